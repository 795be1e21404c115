// create: validate the bundle, make the state dir, run the create protocol's steps
// (create-steps.ts), and leave the init blocked in runts-finalize; on any failure nothing is
// left behind.
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import { listenUnixPath } from '../linux/fd.js';
import { openConsoleSocket, sizedProcess, type ConsoleSocket, type ProxyConsole } from './console.js';
import { loadBundleConfig } from '../spec/load.js';
import type { Spec } from '../spec/types.js';
import type { CgroupManager } from '../cgroups/index.js';
import { createCgroup } from './cgroup.js';
import { spawnStage, Stages } from './launcher.js';
import { CREATE_SEQUENCE, type Creation } from './create-steps.js';
import { EXEC_SOCK, makeStateDir, removeStateDir, writeFileAtomic, writeSaved, type Saved } from './store.js';
import { killAndReap, runPoststop } from './destroy.js';
import { startFailure } from './errors.js';
import { stateDoc } from './status.js';
import { savedDoc, type SavedBase } from './saved-doc.js';
import { openPidfdSocket, type PidfdSocket } from './pidfd-socket.js';
import { detachRootfsBind, watchRootfsBind } from './host-mounts.js';
import { compileSeccomp, type CompiledSeccomp } from '../seccomp/index.js';
import { step } from '../engine/trace.js';

export interface CreateOpts {
  root: string; id: string; bundle: string; pidFile?: string; consoleSocket?: string; pidfdSocket?: string;
  noPivot: boolean; noNewKeyring: boolean; preserveFds: number; systemdCgroup: boolean;
  /** `run` without -d: the caller stays attached */
  foreground?: boolean;
}

/** The created container; `console` when runts itself holds a foreground terminal's pty. */
export interface Created { saved: Saved; console?: ProxyConsole }

/** What create has made so far: the steps use it, the clean-up undoes it. */
interface Made {
  dir: string; execSock: number; consoleSock?: ConsoleSocket; pidfdSock?: PidfdSocket; cgroup?: CgroupManager;
  /** the steps' shared state, once runts-nsexec runs (its pid: the init's, once known) */
  c?: Creation;
}

interface Loaded { spec: Spec; rootfs: string; bundle: string }

/** Starts runts-nsexec with the exec socket (and the console socket) and runs the steps. */
function runSteps(o: CreateOpts, m: Made, l: Loaded, seccomp: CompiledSeccomp | undefined, record: (pid: number) => void): void {
  const stages = new Stages(o.root);
  try {
    const console = m.consoleSock;
    const { fd, fds } = spawnStage(stages, o.preserveFds, console ? [m.execSock, console.fd] : [m.execSock], true);
    step('nsexec spawned');
    const c: Creation = m.c = {
      id: o.id, bundle: l.bundle, rootfs: l.rootfs,
      spec: l.spec.process && console ? { ...l.spec, process: sizedProcess(l.spec.process, console) } : l.spec,
      noPivot: o.noPivot, noNewKeyring: o.noNewKeyring, preserveFds: o.preserveFds, seccomp,
      cgroup: m.cgroup!, stages, sock: fd, fds, console: !!console, record, stagePid: 0, pid: 0,
    };
    try {
      for (const run of CREATE_SEQUENCE) run(c);
    } finally { closeSync(fd); }
  } finally { stages.close(); }
}

/** A failed create: the init killed, the rootfs bind and the cgroups gone, then (runtime.md: a
 * failed create continues the lifecycle at step 12, destroy, then 13) the poststop hooks, and
 * the state dir removed. */
function undo(m: Made, l: Loaded, rootfsBind: () => number | undefined): void {
  const pid = m.c?.pid ?? 0;
  if (pid) killAndReap(pid);
  try { detachRootfsBind(l.rootfs, rootfsBind()); } catch { /* the first error is the one to report */ }
  try { m.cgroup?.destroy(); } catch { /* the first error is the one to report */ }
  if (m.c && pid) runPoststop(l.spec, JSON.stringify(stateDoc(m.c, 'stopped')), l.bundle);
  removeStateDir(m.dir);
}

export function create(o: CreateOpts): Created {
  const l: Loaded = loadBundleConfig(o.bundle);
  const spec = l.spec;
  const seccomp = compileSeccomp(spec.linux?.seccomp);
  step('config loaded and checked');
  const m: Made = { dir: makeStateDir(o.root, o.id), execSock: -1 };
  const base: SavedBase = { id: o.id, bundle: l.bundle, rootfs: l.rootfs, spec, systemdCgroup: o.systemdCgroup,
    noNewKeyring: o.noNewKeyring, created: new Date().toISOString() };
  const rootfsBind = watchRootfsBind(spec, l.rootfs);
  const doc = (pid: number, creating = false): Saved => savedDoc(base, m.cgroup!, pid, creating, rootfsBind());
  try {
    m.consoleSock = openConsoleSocket(!!spec.process?.terminal, o.consoleSocket, !o.foreground);
    m.pidfdSock = openPidfdSocket(o.pidfdSocket, 'standard');
    m.execSock = listenUnixPath(join(m.dir, EXEC_SOCK));
    m.cgroup = createCgroup(o.id, spec, o.systemdCgroup);
    // Recorded before anything is made, so that a crash leaves nothing delete --force cannot find.
    writeSaved(m.dir, doc(0, true));
    step('state dir, sockets, cgroups made');
    try {
      runSteps(o, m, l, seccomp, (pid) => writeSaved(m.dir, doc(pid, true)));
    } catch (e) { throw startFailure(e); }
    const saved = doc(m.c!.pid);
    m.pidfdSock?.send(saved.pid);
    writeSaved(m.dir, saved);
    step('state saved');
    if (o.pidFile) writeFileAtomic(o.pidFile, String(saved.pid), 0o644);
    return { saved, console: m.consoleSock?.receive() };
  } catch (e) {
    undo(m, l, rootfsBind);
    throw e;
  } finally {
    if (m.execSock >= 0) closeSync(m.execSock);
    m.consoleSock?.close();
    m.pidfdSock?.close();
  }
}
