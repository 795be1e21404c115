// pause and resume: freeze and thaw the container's cgroup (waiting until it is done). As runc,
// a created container can be paused too; resumed, it is created again.
import { errNotRunning } from './errors.js';
import { savedCgroup } from './cgroup.js';
import { readSaved, stateDir } from './store.js';
import { status } from './status.js';
import type { Status } from '../spec/types.js';
import { RuntsError } from '../errors.js';

function manager(root: string, id: string, allowed: Status[]) {
  const saved = readSaved(root, id);
  const st = status(stateDir(root, id), saved);
  if (!allowed.includes(st)) throw allowed.includes('paused') ? new RuntsError('runtime', 'container not paused') : errNotRunning();
  const cg = savedCgroup(saved);
  if (!cg) throw new RuntsError('runtime', 'container has no cgroup to freeze');
  return cg;
}

export function pause(root: string, id: string): void { manager(root, id, ['running', 'created']).freeze(); }
export function resume(root: string, id: string): void { manager(root, id, ['paused']).thaw(); }
