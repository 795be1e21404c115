// The init: container PID 1 in its new namespaces, before pivot_root. runts-nsexec starts it as
// `runts --runts-init LIB_DIR SYNC_FD FINALIZE_MEMFD [MOUNT_NS_FD]` (the same executable, its hidden
// entry: engine/main.ts; a mount namespace given by path is joined once every module is loaded). Sets up the rootfs, lets the parent
// run its hooks, runs createContainer hooks, pivots, and fexecve()s the sealed runts-finalize.
// Imports only protocol, spec types, linux, and its own rootfs code (brief, section 5); all
// modules are loaded here, at start, because host paths disappear at pivot_root.
import { MSG } from '../protocol/messages.js';
import { expectMessage, receive, receiveIn, send, sendError, writeMessage } from '../protocol/framing.js';
import { decodeInitPlan } from '../protocol/init-plan.js';
import { setCloexec } from '../linux/fd.js';
import { recvWithFd } from '../linux/fd-transfer.js';
import { closeFd } from '../linux/fs.js';
import { openLibc } from '../linux/libc.js';
import { joinMountNamespace, newCgroupNamespace } from '../linux/namespace.js';
import { fexecve, setNonDumpable } from '../linux/process.js';
import { runHooks } from '../linux/run-hook.js';
import { setTracing, step, traceAt } from '../engine/trace.js';
import { finishRootfs, prepareRootfs } from './rootfs/index.js';

/** Steps before the plan says whether to trace. */
const early: [string, number][] = [];

/** IDMAP_REQUEST, then MOUNT_FD with the parent's id-mapped copy of the mount's source. */
function idmappedSource(syncFd: number, index: number): number {
  send(syncFd, 'IDMAP_REQUEST', { MOUNT_INDEX: index });
  const { data, fd } = recvWithFd(syncFd, 'the sync socket');
  try { receiveIn(data, 'MOUNT_FD', 'runts'); } catch (e) { closeFd(fd); throw e; }
  return fd;
}

function main(syncFd: number, finalizeFd: number): never {
  const plan = decodeInitPlan(receive(syncFd, 'INIT_PLAN', 'runts').JSON);
  setTracing(!!plan.trace);
  for (const [name, at] of early) traceAt(name, at);
  step('init: plan received');
  // the parent sends INIT_PLAN once this process is in its cgroups: the namespace's root
  if (plan.newCgroupNs) newCgroupNamespace();
  const prepared = prepareRootfs(plan, (index) => idmappedSource(syncFd, index));
  step('init: rootfs mounted');
  writeMessage(syncFd, MSG.HOOKS_RUN);
  expectMessage(syncFd, MSG.HOOKS_DONE, 'runts');
  runHooks(plan.spec.hooks?.createContainer, plan.stateJson, 'createContainer', plan.rootfs);
  finishRootfs(prepared);
  step('init: rootfs finished');
  writeMessage(syncFd, MSG.ROOTFS_READY);
  // The engine marks inherited fds close-on-exec; runts-finalize must get the ones the parent lists
  // (stdio, preserved fds, sync, exec and console sockets). The memfd must not reach it.
  for (const fd of plan.passFds) {
    if (fd !== finalizeFd) { try { setCloexec(fd, false); } catch { /* not open: fine */ } }
  }
  setCloexec(finalizeFd, true);
  return fexecve(finalizeFd, ['runts:init', String(syncFd)], []);
}

/** The init's entry (engine/main.ts): args are SYNC_FD FINALIZE_MEMFD [MOUNT_NS_FD]. */
export function runInit(args: string[]): never {
  const syncFd = Number(args[0]);
  // The init reports an error by its message only; the rootfs code meets ENOENT and ELOOP as
  // exceptions on its normal path, and capturing their stacks is time the create waits for.
  Error.stackTraceLimit = 0;
  early.push(['init: entered', performance.now()]);
  try {
    openLibc();
    early.push(['init: koffi and libc loaded', performance.now()]);
    setNonDumpable();
    if (args[2] !== undefined) joinMountNamespace(Number(args[2]));
    return main(syncFd, Number(args[1]));
  } catch (e) {
    try { sendError(syncFd, (e as Error).message); } catch { /* parent gone */ }
    process.exit(1);
  }
}
