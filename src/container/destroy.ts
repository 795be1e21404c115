// Stopping and undoing: kill the init and wait until it is gone, detach the mounts of a container
// without a mount namespace, remove the cgroups, run the poststop hooks (each failure is a
// warning), remove the state dir.
import { SIGKILL } from '../linux/constants.js';
import { closeFd, pidfdOpen, pidfdSignal, pidfdWait, reapIfChild } from '../linux/process.js';
import { runHook } from '../linux/run-hook.js';
import type { Spec } from '../spec/types.js';
import { warn } from '../log-sink.js';
import { savedCgroup } from './cgroup.js';
import { removeStateDir, type Saved } from './store.js';
import { detachRootfsBind } from './host-mounts.js';
import { isAlive, stateDoc } from './status.js';


/** SIGKILLs pid and waits until it has exited (and reaps it if it is our child). */
export function killAndReap(pid: number): void {
  const fd = pidfdOpen(pid);
  if (fd < 0) return;
  try {
    try { pidfdSignal(fd, SIGKILL); } catch { /* already gone */ }
    pidfdWait(fd, 10_000);
  } finally { closeFd(fd); }
  reapIfChild(pid);
}

/** runtime.md step 13: a failing poststop hook is a warning; the remaining hooks still run. */
export function runPoststop(spec: Spec, stateJson: string, bundle: string): void {
  (spec.hooks?.poststop ?? []).forEach((h, i) => {
    try { runHook(h, stateJson, 'poststop', i, bundle); } catch (e) { warn((e as Error).message); }
  });
}

/** Everything delete does once the container may go: processes, cgroups, hooks, state dir. */
export function destroy(dir: string, s: Saved): void {
  const cg = savedCgroup(s);
  // Every process in the cgroup, also those that outlive the init without a pid namespace (as runc).
  try { if (cg?.pids().length) cg.killAll(SIGKILL); } catch { /* the init's kill below still ends a pid namespace */ }
  if (isAlive(s)) killAndReap(s.pid);
  detachRootfsBind(s.rootfs, s.rootfsBind);
  cg?.destroy();
  runPoststop(s.spec, JSON.stringify(stateDoc(s, 'stopped')), s.bundle);
  removeStateDir(dir);
}
