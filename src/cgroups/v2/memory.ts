// v2 memory: memory.max, memory.swap.max (swap alone: the spec's memory+swap minus memory),
// memory.low for the reservation. kernel, kernelTCP, swappiness, disableOOMKiller and
// useHierarchy have no v2 file and are ignored, as runc ignores them.
import type { Resources } from '../../spec/types.js';
import { swapToV2 } from '../convert.js';
import { MAX_U64, hasFile, readKeyValues, readU64, writeValue } from '../fs.js';
import type { RawMemory, RawStats } from '../stats.js';
import { checkBeforeUpdate } from '../v1/memory.js';
import { wantsMemory } from '../wants.js';
import type { V2Controller } from './controller.js';
import { cgroupError, errCode } from '../errors.js';

const str = (v: number) => (v === -1 ? 'max' : String(v));

function setSwap(dir: string, limit: number, swap: number): void {
  let v: number;
  try { v = swapToV2(swap, limit); } catch (e) { throw cgroupError(`set memory.swap.max in ${dir}: ${(e as Error).message}`); }
  // swap == limit means "no swap": 0; a 0 from "swap unset" writes nothing.
  const text = v !== 0 ? str(v) : swap > 0 ? '0' : '';
  if (!text) return;
  try { writeValue(dir, 'memory.swap.max', text); } catch (e) {
    const noSwap = errCode(e) === 'ENOENT' && (text === 'max' || text === '0');
    if (!noSwap) throw e; // without swap accounting, "no limit" and "no swap" already hold
  }
}

function set(dir: string, r: Resources): void {
  const m = r.memory;
  if (!m || !(m.limit || m.reservation || m.swap)) return;
  checkBeforeUpdate(dir, m, 'memory.current');
  setSwap(dir, m.limit ?? 0, m.swap ?? 0);
  if (m.limit) writeValue(dir, 'memory.max', str(m.limit));
  if (m.reservation) writeValue(dir, 'memory.low', str(m.reservation));
}

function data(dir: string, prefix: string): RawMemory {
  if (!hasFile(dir, `${prefix}.current`)) return { limit: 0, usage: 0, max: 0, failcnt: 0 };
  return { usage: readU64(dir, `${prefix}.current`), limit: readU64(dir, `${prefix}.max`), max: 0, failcnt: 0 };
}

function stats(dir: string, s: RawStats): void {
  if (!hasFile(dir, 'memory.stat')) return;
  s.memory.raw = readKeyValues(dir, 'memory.stat');
  s.memory.cache = s.memory.raw.file ?? 0;
  s.memory.usage = data(dir, 'memory');
  const swap = data(dir, 'memory.swap');
  swap.usage += s.memory.usage.usage; // reported as memory+swap, as v1 reports memsw
  if (swap.limit !== MAX_U64) swap.limit += s.memory.usage.limit;
  s.memory.swap = swap;
}

export const memory: V2Controller = { name: 'memory', wants: wantsMemory, set, stats };

/** OOM kills so far, from memory.events ("oom_kill"). */
export function oomCountV2(dir: string): number {
  return readKeyValues(dir, 'memory.events').oom_kill ?? 0;
}
