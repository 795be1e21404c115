// v1 memory: limit and memsw (memory+swap; written in the order the kernel accepts), soft limit,
// kmem (the kernel may have dropped it: then ignored, as runc ignores it), kmem.tcp, swappiness,
// oom_control, use_hierarchy.
import type { Resources } from '../../spec/types.js';
import { errCode, withNote, cgroupError } from '../errors.js';
import { hasFile, readKeyValues, readOptional, readU64, writeValue } from '../fs.js';
import type { RawMemory, RawStats } from '../stats.js';
import { wantsMemory } from '../wants.js';
import type { V1Controller } from './controller.js';
import { isKind } from '../../errors.js';

type Memory = NonNullable<Resources['memory']>;
const LIMIT = 'memory.limit_in_bytes', MEMSW = 'memory.memsw.limit_in_bytes';

function setLimit(dir: string, v: number): void {
  try { writeValue(dir, LIMIT, v); } catch (e) {
    if (errCode(e) !== 'EBUSY' || !isKind(e, 'cgroup')) throw e;
    const usage = readOptional(dir, 'memory.usage_in_bytes'), peak = readOptional(dir, 'memory.max_usage_in_bytes');
    throw withNote(e, ` (current usage: ${usage}, peak usage: ${peak})`);
  }
}

/** memsw must stay >= limit at every step: raise memsw first when it grows, else lower limit first. */
function setLimitAndSwap(dir: string, m: Memory): void {
  const limit = m.limit ?? 0;
  let swap = m.swap ?? 0;
  if (limit === -1 && swap === 0 && hasFile(dir, MEMSW)) swap = -1;
  if (limit !== 0 && swap !== 0) {
    const cur = readU64(dir, LIMIT);
    if (swap === -1 || cur < swap) { writeValue(dir, MEMSW, swap); setLimit(dir, limit); return; }
  }
  if (limit !== 0) setLimit(dir, limit);
  if (swap !== 0) writeValue(dir, MEMSW, swap);
}

/** Writes a setting the kernel may have dropped (kmem): missing or refused is not an error. */
function setIfKernelHasIt(dir: string, file: string, v: number, refusals: string[]): void {
  try { writeValue(dir, file, v); } catch (e) {
    if (!refusals.includes(errCode(e) ?? '')) throw e;
  }
}

export function checkBeforeUpdate(dir: string, m: Memory, usageFile: string): void {
  if (!m.checkBeforeUpdate) return;
  const text = readOptional(dir, usageFile);
  if (text === undefined) return;
  const usage = Number(text);
  for (const [what, v] of [['memory+swap', m.swap], ['memory', m.limit]] as const) {
    if (v !== undefined && v > 0 && v <= usage) {
      throw cgroupError(`set linux.resources.memory: rejecting ${what} limit ${v} <= usage ${usage} (checkBeforeUpdate, ${usageFile} in ${dir})`);
    }
  }
}

function setSwappiness(dir: string, v: number | undefined): void {
  if (v === undefined || v === null || v === -1) return;
  if (!Number.isInteger(v) || v < 0 || v > 100) throw cgroupError(`invalid linux.resources.memory.swappiness ${v} (valid range is 0-100)`);
  writeValue(dir, 'memory.swappiness', v);
}

/** use_hierarchy is always 1 on Linux >= 5.x (writing 0 gives EINVAL): then ignored, like kmem. */
function setUseHierarchy(dir: string, v: boolean | undefined): void {
  if (v === undefined || v === null) return;
  const want = v ? '1' : '0';
  if (readOptional(dir, 'memory.use_hierarchy') === want) return;
  setIfKernelHasIt(dir, 'memory.use_hierarchy', Number(want), v ? [] : ['EINVAL']);
}

function set(dir: string, r: Resources): void {
  const m = r.memory;
  if (!m) return;
  checkBeforeUpdate(dir, m, 'memory.usage_in_bytes');
  setUseHierarchy(dir, m.useHierarchy);
  setLimitAndSwap(dir, m);
  if (m.kernel) setIfKernelHasIt(dir, 'memory.kmem.limit_in_bytes', m.kernel, ['ENOENT', 'EOPNOTSUPP', 'EINVAL', 'EBUSY']);
  if (m.kernelTCP) setIfKernelHasIt(dir, 'memory.kmem.tcp.limit_in_bytes', m.kernelTCP, ['ENOENT', 'EOPNOTSUPP']);
  if (m.reservation) writeValue(dir, 'memory.soft_limit_in_bytes', m.reservation);
  if (m.disableOOMKiller) writeValue(dir, 'memory.oom_control', 1);
  setSwappiness(dir, m.swappiness);
}

/** usage/max/failcnt/limit of memory, memory.memsw, memory.kmem or memory.kmem.tcp. */
function memoryData(dir: string, prefix: string): RawMemory {
  const f = (s: string) => `${prefix}.${s}`;
  if (prefix !== 'memory' && !hasFile(dir, f('usage_in_bytes'))) return { limit: 0, usage: 0, max: 0, failcnt: 0 };
  return {
    usage: readU64(dir, f('usage_in_bytes')), max: readU64(dir, f('max_usage_in_bytes')),
    failcnt: readU64(dir, f('failcnt')), limit: readU64(dir, f('limit_in_bytes')),
  };
}

function stats(dir: string, s: RawStats): void {
  if (!hasFile(dir, 'memory.stat')) return;
  s.memory.raw = readKeyValues(dir, 'memory.stat');
  s.memory.cache = s.memory.raw.cache ?? 0;
  s.memory.usage = memoryData(dir, 'memory');
  s.memory.swap = memoryData(dir, 'memory.memsw');
  s.memory.kernel = memoryData(dir, 'memory.kmem');
  s.memory.kernelTCP = memoryData(dir, 'memory.kmem.tcp');
}

export const memory: V1Controller = { name: 'memory', wants: wantsMemory, set, stats };

/**
 * OOM occurrences so far, from memory.oom_control: the kills ("oom_kill", Linux >= 4.13), plus one
 * while the cgroup is stuck under OOM with the OOM killer disabled ("under_oom 1").
 */
export function oomCountV1(dir: string): number {
  const kv = readKeyValues(dir, 'memory.oom_control');
  return (kv.oom_kill ?? 0) + (kv.under_oom ?? 0);
}
