// kill: send a signal to the init, or with --all to every process in the cgroup (as runc, --all
// also reaches what a stopped init left behind in it).
import { signalIfSame } from '../linux/process.js';
import { errNotRunning } from './errors.js';
import { savedCgroup } from './cgroup.js';
import { readSaved, stateDir } from './store.js';
import { status } from './status.js';

export function kill(root: string, id: string, signal: number, all: boolean): void {
  const saved = readSaved(root, id);
  const stopped = status(stateDir(root, id), saved) === 'stopped';
  const cg = all ? savedCgroup(saved) : undefined;
  if (cg) {
    if (!stopped || cg.pids().length) cg.killAll(signal);
    return;
  }
  if (stopped || !signalIfSame(saved.pid, saved.startTime, signal)) throw errNotRunning();
}
