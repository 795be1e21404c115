// The parent side of the create protocol (drawn in protocol/messages.ts): starts
// runts-nsexec, answers each stage, and returns the init's pid once runts-finalize is READY.
import { closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATTR, MSG } from '../protocol/messages.js';
import { expectMessage, getU32, writeMessage } from '../protocol/framing.js';
import { spawnWithFds } from '../linux/spawn.js';
import { socketPair } from '../linux/fd.js';
import { runHooks } from '../linux/run-hook.js';
import { reapChild } from '../linux/process.js';
import { OCI_VERSION, type Spec, type State } from '../spec/types.js';
import { finalizePlan, newNamespaces, nsPlan, type InitPlan, type StagePaths } from './plan.js';
import type { Attr } from '../protocol/framing.js';
import type { CompiledSeccomp } from '../seccomp/index.js';
import { idMapText, serveMountRequests } from './idmap.js';
import { libDir, selfExe } from '../engine/layout.js';
import { step, tracing } from '../engine/trace.js';

export interface LaunchOpts {
  id: string; spec: Spec; bundle: string; rootfs: string; noPivot: boolean; noNewKeyring: boolean;
  consoleSockFd?: number;
  /** the compiled linux.seccomp */
  seccomp?: CompiledSeccomp;
  execSockFd: number; preserveFds: number; paths: StagePaths;
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

/** Starts runts-nsexec with stdio, the preserved fds 3..3+n-1, the sync socket at 3+n and
 * the extra fds (create: the exec socket; then the console socket) at 4+n on. Returns our end
 * of the sync socket and its number there. */
export function spawnStage(paths: StagePaths, preserveFds: number, extra: number[]): { fd: number; syncFd: number } {
  const [mine, theirs] = socketPair();
  const syncFd = 3 + preserveFds, stdio: number[] = [0, 1, 2];
  for (let fd = 3; fd < syncFd; fd++) stdio.push(fd);
  stdio.push(theirs);
  stdio.push(...extra);
  try {
    spawnWithFds(paths.nsexec, [paths.nsexec, String(syncFd)], stdio);
  } finally { closeSync(theirs); }
  return { fd: mine, syncFd };
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
  const { fd, syncFd } = spawnStage(o.paths, o.preserveFds, extra);
  step('nsexec spawned');
  try {
    return converse(fd, o, syncFd, syncFd + extra.length);
  } finally {
    closeSync(fd);
  }
}

function converse(fd: number, o: LaunchOpts, syncFd: number, lastFd: number): number {
  const news = newNamespaces(o.spec);
  const pid = namespaceStage(fd, nsPlan(o.spec, o.paths, syncFd), (stagePid) => {
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
  const idmap = { spec: o.spec, bundle: o.bundle, mntns: `/proc/${pid}/ns/mnt`, helper: o.paths.idmap };
  serveMountRequests(fd, idmap, MSG.HOOKS_RUN, 'the container init');
  step('init: rootfs mounted');
  o.beforeHooks?.();
  runHooks(o.spec.hooks?.prestart, plan.stateJson, 'prestart');
  runHooks(o.spec.hooks?.createRuntime, plan.stateJson, 'createRuntime');
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

/** The stages of create and exec: the one place that says which binaries run for a container
 * (the engine is the init: this executable, started through its hidden entry). */
export function stagePaths(): StagePaths {
  const lib = libDir();
  return {
    engine: selfExe(), nsexec: join(lib, 'runts-nsexec'), finalize: join(lib, 'runts-finalize'), idmap: join(lib, 'runts-idmap'),
  };
}
