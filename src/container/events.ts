// events: runc's JSON events: {"type":"stats","id":...,"data":{...}} once (--stats), or a stats
// event every interval and an {"type":"oom","id":...} event as soon as the memory cgroup reports
// one, until the container stops.
import type { CgroupManager } from '../cgroups/index.js';
import { errNotRunning } from './errors.js';
import { savedCgroup } from './cgroup.js';
import { readSaved, stateDir, type Saved } from './store.js';
import { status } from './status.js';
import { RuntsError } from '../errors.js';

/** How often the OOM counter is read while streaming (runc is woken by an eventfd instead). */
const OOM_POLL_MS = 100;

function running(root: string, id: string): { saved: Saved; cg: CgroupManager } {
  const saved = readSaved(root, id);
  if (status(stateDir(root, id), saved) === 'stopped') throw errNotRunning();
  const cg = savedCgroup(saved);
  if (!cg) throw new RuntsError('runtime', 'container has no cgroup to read events from');
  return { saved, cg };
}

export function statsEvent(root: string, id: string): { type: 'stats'; id: string; data: unknown } {
  return { type: 'stats', id, data: running(root, id).cg.stats() };
}

/** The OOM count; undefined without a memory controller, null once the cgroup is gone. */
function oomCount(cg: CgroupManager): number | undefined | null {
  try { return cg.oomCount(); } catch { return null; }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(ms, 0)));

/** Streams stats every intervalMs, and OOM events, until the container stops. */
export async function streamEvents(root: string, id: string, intervalMs: number, emit: (e: object) => void): Promise<void> {
  const { saved, cg } = running(root, id);
  const dir = stateDir(root, id);
  const stopped = () => status(dir, saved) === 'stopped';
  let ooms = oomCount(cg);
  for (let next = Date.now() + intervalMs; ;) {
    await sleep(Math.min(OOM_POLL_MS, next - Date.now()));
    if (typeof ooms === 'number') {
      const n = oomCount(cg);
      if (typeof n !== 'number') return; // the cgroup is gone
      if (n > ooms) emit({ type: 'oom', id });
      ooms = n;
    }
    if (stopped()) return;
    if (Date.now() < next) continue;
    next += intervalMs;
    let data;
    try { data = cg.stats(); } catch (e) { if (stopped()) return; throw e; }
    emit({ type: 'stats', id, data });
  }
}
