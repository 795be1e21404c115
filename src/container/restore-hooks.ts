// The hooks runc runs during a restore: prestart and createRuntime, once criu has made the
// container's namespaces (criu's "setup-namespaces" notification over its RPC), with the
// restored init's pid in the state, which is the state create's prestart and createRuntime
// hooks get (status created). A failing hook fails the notification, and criu the restore.
import { runHooks } from '../linux/run-hook.js';
import { stateDoc } from './status.js';
import type { Saved } from './store.js';

/** Runs saved's prestart and createRuntime hooks with pid (criu's restored init) in the state. */
export function runRestoreHooks(saved: Saved, pid: number): void {
  const hooks = saved.spec.hooks;
  if (!hooks?.prestart?.length && !hooks?.createRuntime?.length) return;
  const state = JSON.stringify(stateDoc({ ...saved, pid }, 'created'));
  runHooks(hooks.prestart, state, 'prestart', saved.bundle);
  runHooks(hooks.createRuntime, state, 'createRuntime', saved.bundle);
}
