// The hooks runc runs during a restore: prestart and createRuntime, once criu has made the
// container's namespaces (criu's "setup-namespaces" action), with the restored init's pid in the
// state. criu (its command line) reports its actions only to an action script, an executable it
// runs without arguments for every action, with CRTOOLS_SCRIPT_ACTION and CRTOOLS_INIT_PID in its
// environment: restore writes one into the container's state dir (actionScript) that runs
// `runts --root R criu-action ID`; a failing hook fails the script, and criu then the restore.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntsError } from '../errors.js';
import { runHooks } from '../linux/run-hook.js';
import { stateDoc } from './status.js';
import { readSaved } from './store.js';
import type { Spec } from '../spec/types.js';

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** criu's --action-script for a restore of `id` under `root`, written in its state dir `dir`;
 * undefined when no hook runs then. */
export function actionScript(spec: Spec, root: string, id: string, dir: string): string | undefined {
  if (!spec.hooks?.prestart?.length && !spec.hooks?.createRuntime?.length) return undefined;
  const path = join(dir, 'criu-action');
  writeFileSync(path, `#!/bin/sh\nexec ${[process.execPath, '--root', root, 'criu-action', id].map(shq).join(' ')}\n`, { mode: 0o700 });
  return path;
}

/** `runts criu-action ID`, run by criu: the hooks at setup-namespaces, nothing at other actions. */
export function criuAction(root: string, id: string, env: NodeJS.ProcessEnv): void {
  if (env.CRTOOLS_SCRIPT_ACTION !== 'setup-namespaces') return;
  const pid = Number(env.CRTOOLS_INIT_PID);
  if (!Number.isInteger(pid) || pid <= 0) throw new RuntsError('runtime', `criu-action: no init pid from criu (CRTOOLS_INIT_PID=${JSON.stringify(env.CRTOOLS_INIT_PID ?? '')})`);
  const saved = readSaved(root, id);
  const state = JSON.stringify(stateDoc({ ...saved, pid }, 'created')); // as create's prestart and createRuntime hooks get it
  runHooks(saved.spec.hooks?.prestart, state, 'prestart', saved.bundle);
  runHooks(saved.spec.hooks?.createRuntime, state, 'createRuntime', saved.bundle);
}
