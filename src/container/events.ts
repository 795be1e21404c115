// events: runc's JSON events: {"type":"stats","id":...,"data":{...}} once (--stats) or every
// interval until the container stops.
import { RuntimeError, errNotRunning } from './errors.js';
import { savedCgroup } from './cgroup.js';
import { readSaved, stateDir } from './store.js';
import { status } from './status.js';

export function statsEvent(root: string, id: string): { type: 'stats'; id: string; data: unknown } {
  const saved = readSaved(root, id);
  if (status(stateDir(root, id), saved) === 'stopped') throw errNotRunning();
  const cg = savedCgroup(saved);
  if (!cg) throw new RuntimeError('container has no cgroup to read stats from');
  return { type: 'stats', id, data: cg.stats() };
}

/** Streams a stats event every intervalMs until the container stops. */
export async function streamEvents(root: string, id: string, intervalMs: number, emit: (e: object) => void): Promise<void> {
  for (;;) {
    let ev;
    try { ev = statsEvent(root, id); } catch (e) {
      if ((e as Error).message === 'container not running') return;
      throw e;
    }
    emit(ev);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
