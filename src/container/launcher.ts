// The parent side of the create protocol (drawn in protocol/messages.ts): starts
// runts-nsexec, answers each stage, and returns the init's pid once runts-finalize is READY.
import { closeSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ATTR, MSG } from '../protocol/messages.js';
import { expectMessage, getU32, writeMessage } from '../protocol/framing.js';
import { spawnWithFds } from '../linux/spawn.js';
import { isOpen, socketPair } from '../linux/fd.js';
import { runHooks } from '../linux/run-hook.js';
import { reapChild } from '../linux/process.js';
import { OCI_VERSION, type Spec, type State } from '../spec/types.js';
import { finalizePlan, newNamespaces, nsPlan, type InitPlan, type StageFds, type StagePaths } from './plan.js';
import { SealedExecutables } from '../linux/exe-seal.js';
import type { Attr } from '../protocol/framing.js';
import type { CompiledSeccomp } from '../seccomp/index.js';
import { idMapText, serveMountRequests } from './idmap.js';
import { INIT_ENTRY, libDir, selfExe } from '../engine/layout.js';
import { step, tracing } from '../engine/trace.js';
import { RuntsError } from '../errors.js';

export interface LaunchOpts {
  id: string; spec: Spec; bundle: string; rootfs: string; noPivot: boolean; noNewKeyring: boolean;
  consoleSockFd?: number;
  /** the compiled linux.seccomp */
  seccomp?: CompiledSeccomp;
  execSockFd: number; preserveFds: number; stages: Stages;
  /** Called as soon as the init's pid is known (so a failure can kill it), while the init's Node
   * starts: moves it into its cgroup. The init makes a new cgroup namespace only afterwards. */
  onInitPid(pid: number): void;
  /** Called once the init has made the rootfs's mounts and device nodes, before the prestart hooks. */
  beforeHooks?(): void;
}

function writeIdMaps(pid: number, spec: Spec): void {
  const l = spec.linux!;
  if (l.uidMappings?.length) writeFileSync(`/proc/${pid}/uid_map`, idMapText(l.uidMappings));
  if (l.gidMappings?.length) writeFileSync(`/proc/${pid}/gid_map`, idMapText(l.gidMappings));
}

function hookState(o: LaunchOpts, pid: number, status: State['status']): string {
  const st: State = { ociVersion: OCI_VERSION, id: o.id, status, pid, bundle: o.bundle };
  if (o.spec.annotations) st.annotations = o.spec.annotations;
  return JSON.stringify(st);
}

/** The stages' binaries for one command: where they are (stagePaths) and their sealed fds,
 * opened on first use (linux/exe-seal.ts; spare: the state root, for overlayfs' second layer). */
export class Stages {
  readonly paths = stagePaths();
  private readonly sealed: SealedExecutables;
  constructor(root: string) { this.sealed = new SealedExecutables(resolve(root)); }
  fd(stage: Exclude<keyof StagePaths, 'engineArgs'>): number { return this.sealed.open(this.paths[stage]); }
  close(): void { this.sealed.close(); }
}

/** Starts runts-nsexec (sealed) with stdio, the preserved fds 3..3+n-1, the sync socket at 3+n,
 * the extra fds (create: the exec socket; then the console socket) at 4+n on, then the sealed
 * runts-finalize and, with `engine`, the init's engine. Returns our end of the sync socket and
 * runts-nsexec's fd numbers. */
export function spawnStage(stages: Stages, preserveFds: number, extra: number[], engine: boolean): { fd: number; fds: StageFds } {
  for (let fd = 3; fd < 3 + preserveFds; fd++) {
    if (!isOpen(fd)) throw new RuntsError('runtime', `--preserve-fds ${preserveFds}: fd ${fd} is not open`);
  }
  const exe = stages.fd('nsexec'), sealed = [stages.fd('finalize'), ...(engine ? [stages.fd('engine')] : [])];
  const [mine, theirs] = socketPair();
  const sync = 3 + preserveFds, stdio: number[] = [0, 1, 2];
  for (let fd = 3; fd < sync; fd++) stdio.push(fd);
  stdio.push(theirs, ...extra);
  const fds: StageFds = { sync, finalize: stdio.length, engine: engine ? stdio.length + 1 : undefined };
  stdio.push(...sealed);
  try {
    spawnWithFds(exe, [stages.paths.nsexec, String(sync)], stdio);
  } catch (e) { closeSync(mine); throw e; } finally { closeSync(theirs); }
  return { fd: mine, fds };
}

/** NS_PLAN, STAGE_PID (onStagePid: create writes the id maps, exec joins the cgroup), STAGE_GO,
 * INIT_PID: returns the pid. */
export function namespaceStage(fd: number, plan: Attr[], onStagePid: (pid: number) => void): number {
  writeMessage(fd, MSG.NS_PLAN, plan);
  const stagePid = getU32(expectMessage(fd, MSG.STAGE_PID, 'runts-nsexec'), ATTR.PID)!;
  onStagePid(stagePid);
  writeMessage(fd, MSG.STAGE_GO);
  const pid = getU32(expectMessage(fd, MSG.INIT_PID, 'runts-nsexec'), ATTR.PID)!;
  reapChild(stagePid); // nsexec exits after INIT_PID; no zombie may outlive the command
  return pid;
}

/** Runs the create protocol; returns the init's pid. The caller cleans up on a throw. */
export function launch(o: LaunchOpts): number {
  const extra = o.consoleSockFd === undefined ? [o.execSockFd] : [o.execSockFd, o.consoleSockFd];
  const { fd, fds } = spawnStage(o.stages, o.preserveFds, extra, true);
  step('nsexec spawned');
  try {
    return converse(fd, o, fds, fds.sync + extra.length);
  } finally {
    closeSync(fd);
  }
}

function converse(fd: number, o: LaunchOpts, fds: StageFds, lastFd: number): number {
  const syncFd = fds.sync, news = newNamespaces(o.spec);
  const pid = namespaceStage(fd, nsPlan(o.spec, o.stages.paths, fds), (stagePid) => {
    if (news.has('user')) writeIdMaps(stagePid, o.spec);
  });
  o.onInitPid(pid);
  if (o.spec.process?.oomScoreAdj !== undefined) writeFileSync(`/proc/${pid}/oom_score_adj`, String(o.spec.process.oomScoreAdj));
  const has = (type: string) => !!o.spec.linux?.namespaces?.some((x) => x.type === type);
  // A mount namespace joined by path gets the whole rootfs setup too, as in runc.
  step('limits set');
  const plan: InitPlan = {
    trace: tracing() || undefined, rootfs: o.rootfs, bundle: o.bundle, spec: o.spec, noPivot: o.noPivot, newMountNs: has('mount'),
    newUtsNs: news.has('uts'), newCgroupNs: news.has('cgroup'), inUserNs: has('user'),
    stateJson: hookState(o, pid, 'created'), passFds: Array.from({ length: lastFd + 1 }, (_, i) => i),
  };
  writeMessage(fd, MSG.INIT_PLAN, [{ type: ATTR.JSON, value: Buffer.from(JSON.stringify(plan)) }]);
  const idmap = { spec: o.spec, bundle: o.bundle, mntns: `/proc/${pid}/ns/mnt`, helper: () => o.stages.fd('idmap') };
  serveMountRequests(fd, idmap, MSG.HOOKS_RUN, 'the container init');
  step('init: rootfs mounted');
  o.beforeHooks?.();
  runHooks(o.spec.hooks?.prestart, plan.stateJson, 'prestart', o.bundle);
  runHooks(o.spec.hooks?.createRuntime, plan.stateJson, 'createRuntime', o.bundle);
  writeMessage(fd, MSG.HOOKS_DONE);
  expectMessage(fd, MSG.ROOTFS_READY, 'the container init');
  step('init: rootfs ready');
  const keepFds = Array.from({ length: o.preserveFds }, (_, i) => 3 + i);
  writeMessage(fd, MSG.FINALIZE_PLAN, finalizePlan(o.spec, {
    execSockFd: syncFd + 1, keepFds, stateJson: hookState(o, pid, 'created'),
    keyring: o.noNewKeyring ? undefined : `_ses.${o.id}`,
    console: o.consoleSockFd === undefined ? undefined : { fd: syncFd + 2, mount: true },
    seccomp: o.seccomp,
  }));
  expectMessage(fd, MSG.READY, 'runts-finalize');
  step('finalize ready');
  return pid;
}

/** The one place that names the binaries of create and exec (the engine is the init: this
 * executable, started through its hidden entry); Stages seals whatever is here. */
export function stagePaths(): StagePaths {
  const lib = libDir();
  return {
    engine: selfExe(), engineArgs: [INIT_ENTRY, lib],
    nsexec: join(lib, 'runts-nsexec'), finalize: join(lib, 'runts-finalize'), idmap: join(lib, 'runts-idmap'),
  };
}
