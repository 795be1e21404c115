// delete: a stopped (or, with --force, any) container is destroyed; a container that is
// already gone is fine with --force, as containerd expects.
import { existsSync } from 'node:fs';
import { destroy } from './destroy.js';
import { readSaved, removeStateDir, stateDir, withLock } from './store.js';
import { status } from './status.js';
import { RuntsError, isKind } from '../errors.js';

export function deleteContainer(root: string, id: string, force: boolean): void {
  const dir = stateDir(root, id);
  let saved;
  try { saved = readSaved(root, id); } catch (e) {
    if (force && isKind(e, 'not-exist')) {
      if (existsSync(dir)) removeStateDir(dir);
      return;
    }
    throw e;
  }
  withLock(dir, () => {
    const st = status(dir, saved);
    if (!force && st !== 'stopped' && st !== 'created') {
      throw new RuntsError('runtime', `cannot delete container ${id} that is not stopped: ${st}`);
    }
    destroy(dir, saved);
  });
}
