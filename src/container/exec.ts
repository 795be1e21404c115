// exec: run a new process in a running (or created) container. Only the C stages run: nsexec
// joins every namespace of the init and the cgroup, and its child exec()s runts-finalize,
// which sets up the process and execs it (brief, rule 4: no Node inside a container).
import { closeSync } from 'node:fs';
import { MSG } from '../protocol/messages.js';
import { writeMessage } from '../protocol/framing.js';
import { startTime } from '../linux/process.js';
import { openConsoleSocket, sizedProcess, type ConsoleSocket, type ProxyConsole } from './console.js';
import { attach, SignalForwarder } from './foreground.js';
import { savedCgroup } from './cgroup.js';
import { parseSubCgroups, subCgroupDirs } from '../cgroups/index.js';
import { execProcess, type ExecProcessOpts } from './exec-process.js';
import { namespaceStage, spawnStage, Stages } from './launcher.js';
import { execNsPlan, finalizePlan, type StageFds } from './plan.js';
import { openPidfdSocket, type PidfdSocket } from './pidfd-socket.js';
import { compileSeccomp } from '../seccomp/index.js';
import { sendListener } from '../seccomp/listener.js';
import { awaitExec } from './await-exec.js';
import type { Process } from '../spec/types.js';
import { readSaved, stateDir, writeFileAtomic, type Saved } from './store.js';
import { stateDoc, status } from './status.js';
import { RuntsError } from '../errors.js';

export interface ExecOpts extends ExecProcessOpts {
  root: string; id: string; detach: boolean; pidFile?: string; preserveFds: number; ignorePaused: boolean;
  consoleSocket?: string; pidfdSocket?: string;
  /** --cgroup, as given: sub-cgroups of the container's to join instead (cgroups/sub.ts) */
  cgroup?: string[];
}

/** --cgroup's sub-cgroups, checked against the container's cgroups before anything starts. */
function subCgroups(o: ExecOpts, saved: Saved): Record<string, string> {
  try {
    const sub = parseSubCgroups(o.cgroup ?? []);
    subCgroupDirs(saved.cgroupPaths ?? {}, sub);
    return sub;
  } catch (e) { throw new RuntsError('runtime', (e as Error).message); }
}

function checkStatus(o: ExecOpts): ReturnType<typeof readSaved> {
  const saved = readSaved(o.root, o.id);
  const st = status(stateDir(o.root, o.id), saved);
  if (st === 'stopped') throw new RuntsError('runtime', 'cannot exec in a stopped container');
  if (st === 'creating') throw new RuntsError('runtime', 'cannot exec in a container that is being created');
  if (st === 'paused' && !o.ignorePaused) throw new RuntsError('runtime', 'cannot exec in a paused container (use --ignore-paused to override)');
  return saved;
}

/** Runs the exec protocol; returns the new process's pid once it has exec'd, and the console
 * runts proxies for a foreground terminal. */
function launchExec(o: ExecOpts): { pid: number; console?: ProxyConsole } {
  const saved = checkStatus(o);
  const sub = subCgroups(o, saved);
  const process = execProcess(saved.spec.process, o);
  const consoleSock = openConsoleSocket(!!process.terminal, o.consoleSocket, o.detach);
  let pidfdSock: PidfdSocket | undefined;
  try {
    pidfdSock = openPidfdSocket(o.pidfdSocket, 'setns');
    const pid = converse(o, saved, sizedProcess(process, consoleSock), consoleSock, sub);
    pidfdSock?.send(pid);
    return { pid, console: consoleSock?.receive() };
  } finally { consoleSock?.close(); pidfdSock?.close(); }
}

function converse(o: ExecOpts, saved: Saved, process: Process, consoleSock: ConsoleSocket | undefined, sub: Record<string, string>): number {
  const seccomp = compileSeccomp(saved.spec.linux?.seccomp); // the container's profile binds exec'd processes too, as in runc
  const stages = new Stages(o.root);
  let fd: number, fds: StageFds;
  try {
    ({ fd, fds } = spawnStage(stages, o.preserveFds, consoleSock ? [consoleSock.fd] : [], false));
  } finally { consoleSock?.release(); stages.close(); }
  const syncFd = fds.sync;
  try {
    const pid = namespaceStage(fd, execNsPlan(saved.spec, saved.pid, fds), (p) => savedCgroup(saved)?.join(p, sub));
    const keepFds = Array.from({ length: o.preserveFds }, (_, i) => 3 + i);
    writeMessage(fd, MSG.FINALIZE_PLAN, finalizePlan({ ...saved.spec, process, hooks: undefined }, {
      keepFds, console: consoleSock ? { fd: syncFd + 1, mount: false } : undefined, seccomp,
      // as runc's exec: the container's session keyring (joined by name), not the caller's
      keyring: saved.noNewKeyring ? undefined : `_ses.${saved.id}`,
    }));
    // the seccomp agent gets the exec'd process's pid and the state "running", as from runc
    const failure = awaitExec(fd, (n) => sendListener(saved.spec.linux?.seccomp, pid, n, stateDoc(saved, 'running')));
    if (failure) throw new RuntsError('runtime', `unable to start container process: ${failure}`);
    return pid;
  } finally { closeSync(fd); }
}

export async function exec(o: ExecOpts): Promise<number> {
  const signals = o.detach ? undefined : new SignalForwarder();
  const { pid, console } = launchExec(o);
  if (o.pidFile) writeFileAtomic(o.pidFile, String(pid), 0o644);
  if (!signals) return 0;
  return attach(signals, pid, startTime(pid), console);
}
