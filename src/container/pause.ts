// pause and resume: freeze and thaw the container's cgroup (waiting until it is done).
import { RuntimeError, errNotRunning } from './errors.js';
import { savedCgroup } from './cgroup.js';
import { readSaved, stateDir } from './store.js';
import { status } from './status.js';

function manager(root: string, id: string, want: 'running' | 'paused') {
  const saved = readSaved(root, id);
  const st = status(stateDir(root, id), saved);
  if (st !== want) throw want === 'running' ? errNotRunning() : new RuntimeError('container not paused');
  const cg = savedCgroup(saved);
  if (!cg) throw new RuntimeError('container has no cgroup to freeze');
  return cg;
}

export function pause(root: string, id: string): void { manager(root, id, 'running').freeze(); }
export function resume(root: string, id: string): void { manager(root, id, 'paused').thaw(); }
