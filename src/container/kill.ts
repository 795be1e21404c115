// kill: send a signal to the init (or, with --all, to every process in the cgroup).
import { signalIfSame } from '../linux/process.js';
import { errNotRunning } from './errors.js';
import { savedCgroup } from './cgroup.js';
import { readSaved, stateDir } from './store.js';
import { status } from './status.js';

export function kill(root: string, id: string, signal: number, all: boolean): void {
  const saved = readSaved(root, id);
  if (status(stateDir(root, id), saved) === 'stopped') throw errNotRunning();
  const cg = all ? savedCgroup(saved) : undefined;
  if (cg) { cg.killAll(signal); return; }
  if (!signalIfSame(saved.pid, saved.startTime, signal)) throw errNotRunning();
}
