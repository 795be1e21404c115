// The create protocol (drawn in protocol/messages.ts) as the parent runs it: a sequence of
// steps over the sync socket, each sending or expecting one message and doing what that
// moment asks of the parent (id maps, cgroups, hooks). create.ts makes what the steps share (a
// Creation), runs CREATE_SEQUENCE in order, and cleans up on a throw.
import { writeFileSync } from 'node:fs';
import { MSG } from '../protocol/messages.js';
import { expectMessage, send, writeMessage } from '../protocol/framing.js';
import { runHooks } from '../linux/run-hook.js';
import type { Spec } from '../spec/types.js';
import type { CgroupManager } from '../cgroups/index.js';
import type { CompiledSeccomp } from '../seccomp/index.js';
import { tracing, step } from '../engine/trace.js';
import { awaitInitPid, awaitStagePid, type Stages } from './launcher.js';
import { finalizePlan, initPlan, newNamespaces, nsPlan, type StageFds } from './plan.js';
import { idMapText, serveMountRequests } from './idmap.js';
import { moveNetDevices } from './net-devices.js';
import { stateDoc } from './status.js';

/** What the steps of one create share. */
export interface Creation {
  readonly id: string; readonly bundle: string; readonly rootfs: string;
  /** the config (process.consoleSize from the caller's terminal when runts holds its pty) */
  readonly spec: Spec;
  readonly noPivot: boolean; readonly noNewKeyring: boolean; readonly preserveFds: number;
  readonly seccomp?: CompiledSeccomp;
  readonly cgroup: CgroupManager;
  readonly stages: Stages;
  /** our end of the sync socket; runts-nsexec's fds: the exec socket is sync + 1, then the console socket */
  readonly sock: number; readonly fds: StageFds; readonly console: boolean;
  /** Writes state.json with the init's pid, still creating (before the init enters its cgroups). */
  record(pid: number): void;
  stagePid: number;
  /** the init's pid, once known (0 before): the caller kills it on a failure */
  pid: number;
}

type Step = (c: Creation) => void;

/** NS_PLAN: the namespaces to join and make, and the init's command. */
const sendNsPlan: Step = (c) => writeMessage(c.sock, MSG.NS_PLAN, nsPlan(c.spec, c.stages.paths, c.fds));

/** STAGE_PID: runts-nsexec has made its user namespace; the parent writes its id maps. */
const onStagePid: Step = (c) => {
  c.stagePid = awaitStagePid(c.sock);
  const l = c.spec.linux;
  if (!newNamespaces(c.spec).has('user') || !l) return;
  if (l.uidMappings?.length) writeFileSync(`/proc/${c.stagePid}/uid_map`, idMapText(l.uidMappings));
  if (l.gidMappings?.length) writeFileSync(`/proc/${c.stagePid}/gid_map`, idMapText(l.gidMappings));
};

/** STAGE_GO: make the other namespaces and the init. */
const sendStageGo: Step = (c) => writeMessage(c.sock, MSG.STAGE_GO);

/** INIT_PID: while the init's engine starts, the parent moves it into its cgroups (the init
 * makes a new cgroup namespace only afterwards), sets the limits and, as runc, moves the network
 * devices once the namespaces exist, before the hooks. */
const onInitPid: Step = (c) => {
  c.pid = awaitInitPid(c.sock, c.stagePid);
  c.record(c.pid);
  step('init pid known');
  c.cgroup.apply(c.pid);
  step('init moved into its cgroups');
  if (c.spec.linux?.resources) c.cgroup.set(c.spec.linux.resources);
  moveNetDevices(c.spec, c.pid);
  if (c.spec.process?.oomScoreAdj !== undefined) writeFileSync(`/proc/${c.pid}/oom_score_adj`, String(c.spec.process.oomScoreAdj));
  step('limits set');
};

function hookState(c: Creation): string {
  return JSON.stringify(stateDoc(c, 'created'));
}

/** INIT_PLAN: what the init needs for the rootfs and the createContainer hooks (plan.ts). */
const sendInitPlan: Step = (c) => {
  const plan = initPlan(c.spec, {
    rootfs: c.rootfs, bundle: c.bundle, noPivot: c.noPivot, stateJson: hookState(c), trace: tracing(),
    lastFd: c.fds.sync + (c.console ? 2 : 1),
  });
  send(c.sock, 'INIT_PLAN', { JSON: JSON.stringify(plan) });
};

/** HOOKS_RUN (after answering the init's IDMAP_REQUESTs): the init has made the mounts and the
 * device nodes; as runc, the device rules, then the prestart and createRuntime hooks. */
const onHooksRun: Step = (c) => {
  const idmap = { spec: c.spec, bundle: c.bundle, mntns: `/proc/${c.pid}/ns/mnt`, helper: () => c.stages.fd('idmap') };
  serveMountRequests(c.sock, idmap, MSG.HOOKS_RUN, 'the container init');
  step('init: rootfs mounted');
  c.cgroup.applyDevices();
  const state = hookState(c);
  runHooks(c.spec.hooks?.prestart, state, 'prestart', c.bundle);
  runHooks(c.spec.hooks?.createRuntime, state, 'createRuntime', c.bundle);
};

/** HOOKS_DONE: the init runs the createContainer hooks and pivots. */
const sendHooksDone: Step = (c) => writeMessage(c.sock, MSG.HOOKS_DONE);

/** ROOTFS_READY: the init has exec'd runts-finalize. */
const awaitRootfsReady: Step = (c) => {
  expectMessage(c.sock, MSG.ROOTFS_READY, 'the container init');
  step('init: rootfs ready');
};

/** FINALIZE_PLAN: the process, to be started by `runts start` through the exec socket. */
const sendFinalizePlan: Step = (c) => writeMessage(c.sock, MSG.FINALIZE_PLAN, finalizePlan(c.spec, {
  execSockFd: c.fds.sync + 1, keepFds: Array.from({ length: c.preserveFds }, (_, i) => 3 + i), stateJson: hookState(c),
  keyring: c.noNewKeyring ? undefined : `_ses.${c.id}`,
  console: c.console ? { fd: c.fds.sync + 2, mount: true } : undefined,
  seccomp: c.seccomp,
}));

/** READY: runts-finalize waits on the exec socket. */
const awaitReady: Step = (c) => {
  expectMessage(c.sock, MSG.READY, 'runts-finalize');
  step('finalize ready');
};

/** The parent's side of create, in order. */
export const CREATE_SEQUENCE: readonly Step[] = [
  sendNsPlan, onStagePid, sendStageGo, onInitPid, sendInitPlan, onHooksRun, sendHooksDone,
  awaitRootfsReady, sendFinalizePlan, awaitReady,
];
