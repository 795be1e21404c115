// linux.resources -> systemd unit properties, as runc 1.1's driver converts them
// (genV1ResourcesProperties / genV2ResourcesProperties). A value systemd cannot hold stays a
// cgroupfs write only (the manager writes every limit to the files after the unit). Device rules
// are converted apart (device-properties.ts): they are set later, once the rootfs has its nodes.
import type { Resources } from '../../spec/types.js';
import type { Variant } from '../../linux/sdbus.js';
import { sharesToWeight, swapToV2 } from '../convert.js';
import { cgroupError } from '../errors.js';
import { RuntsError } from '../../errors.js';

export interface Property { name: string; value: Variant }

/** systemd's version, asked only when a property depends on it (one D-Bus round trip). */
export type VersionFn = () => number;

export const prop = (name: string, sig: string, value: unknown): Property => ({ name, value: { sig, value } });

/** Go's uint64(int64): -1 is 2^64-1, systemd's "infinity". */
export function u64(n: number): bigint {
  return n < 0 ? (1n << 64n) + BigInt(n) : BigInt(n);
}
const INFINITY = (1n << 64n) - 1n;
const DEFAULT_PERIOD = 100000n;

/** CPUQuotaPeriodUSec (systemd >= 242) and CPUQuotaPerSecUSec, rounded up to whole percents of a CPU. */
export function cpuQuotaProperties(quota: number, period: number, version: VersionFn): Property[] {
  const out: Property[] = [];
  if (period !== 0 && version() >= 242) out.push(prop('CPUQuotaPeriodUSec', 't', u64(period)));
  if (quota === 0 && period === 0) return out;
  let perSec = INFINITY;
  if (quota > 0) {
    perSec = (u64(quota) * 1000000n) / (period === 0 ? DEFAULT_PERIOD : u64(period));
    if (perSec % 10000n !== 0n) perSec = (perSec / 10000n + 1n) * 10000n;
  }
  out.push(prop('CPUQuotaPerSecUSec', 't', perSec));
  return out;
}

/** "0-3,8" -> a bitmask, lowest CPU in the lowest bit of the first byte (systemd's AllowedCPUs). */
export function rangeToBits(text: string): number[] {
  const set = new Set<number>();
  const num = (s: string) => {
    if (!/^\d+$/.test(s) || Number(s) > 0xffffffff) throw new RuntsError('config', `invalid number ${JSON.stringify(s)}`);
    return Number(s);
  };
  for (const raw of text.split(',')) {
    const r = raw.trim();
    if (!r) continue;
    const [a, b] = r.split('-', 2);
    const start = num(a), end = b === undefined ? start : num(b);
    if (start > end) throw new RuntsError('config', `invalid range: ${r}`);
    for (let i = start; i <= end; i++) set.add(i);
  }
  if (!set.size) throw new RuntsError('config', 'empty value');
  const bytes = new Array<number>(Math.floor(Math.max(...set) / 8) + 1).fill(0);
  for (const i of set) bytes[i >> 3] |= 1 << (i & 7);
  return bytes;
}

function cpusetProperties(cpus: string | undefined, mems: string | undefined, version: VersionFn): Property[] {
  if (!cpus && !mems) return [];
  if (version() < 244) return []; // AllowedCPUs/AllowedMemoryNodes: systemd 244; the files still get them
  const out: Property[] = [];
  const bits = (v: string, what: string) => {
    try { return rangeToBits(v); } catch (e) { throw cgroupError(`linux.resources.cpu.${what} ${JSON.stringify(v)}: ${(e as Error).message}`); }
  };
  if (cpus) out.push(prop('AllowedCPUs', 'ay', bits(cpus, 'cpus')));
  if (mems) out.push(prop('AllowedMemoryNodes', 'ay', bits(mems, 'mems')));
  return out;
}

function tasksMax(limit: number | undefined): Property[] {
  return limit !== undefined && (limit > 0 || limit === -1) ? [prop('TasksMax', 't', u64(limit))] : [];
}

/** cgroup v1 (and hybrid) hosts: runc's legacy manager. */
export function v1Properties(r: Resources, version: VersionFn): Property[] {
  if (r.unified && Object.keys(r.unified).length) throw cgroupError('linux.resources.unified: invalid configuration: cannot use unified on cgroup v1 with the systemd cgroup driver');
  const out: Property[] = [];
  if (r.memory?.limit) out.push(prop('MemoryLimit', 't', u64(r.memory.limit)));
  if (r.cpu?.shares) out.push(prop('CPUShares', 't', u64(r.cpu.shares)));
  out.push(...cpuQuotaProperties(r.cpu?.quota ?? 0, r.cpu?.period ?? 0, version));
  if (r.blockIO?.weight) out.push(prop('BlockIOWeight', 't', u64(r.blockIO.weight)));
  out.push(...tasksMax(r.pids?.limit));
  out.push(...cpusetProperties(r.cpu?.cpus, r.cpu?.mems, version));
  return out;
}

/** cgroup v2 hosts: runc's unified manager. */
export function v2Properties(r: Resources, version: VersionFn): Property[] {
  const out: Property[] = [];
  const mem = r.memory ?? {};
  if (mem.limit) out.push(prop('MemoryMax', 't', u64(mem.limit)));
  if (mem.reservation) out.push(prop('MemoryLow', 't', u64(mem.reservation)));
  let swap: number;
  try { swap = swapToV2(mem.swap ?? 0, mem.limit ?? 0); } catch (e) { throw cgroupError(`linux.resources.memory.swap: ${(e as Error).message}`); }
  if (swap !== 0) out.push(prop('MemorySwapMax', 't', u64(swap)));
  const weight = sharesToWeight(r.cpu?.shares ?? 0);
  if (weight) out.push(prop('CPUWeight', 't', u64(weight)));
  out.push(...cpuQuotaProperties(r.cpu?.quota ?? 0, r.cpu?.period ?? 0, version));
  out.push(...tasksMax(r.pids?.limit));
  out.push(...cpusetProperties(r.cpu?.cpus, r.cpu?.mems, version));
  out.push(...unifiedProperties(r.unified ?? {}, version));
  return out;
}

const MEMORY_KEYS: Record<string, string> = {
  'memory.high': 'MemoryHigh', 'memory.low': 'MemoryLow', 'memory.min': 'MemoryMin', 'memory.max': 'MemoryMax', 'memory.swap.max': 'MemorySwapMax',
};

function u64Value(k: string, v: string): bigint {
  if (v === 'max') return INFINITY;
  if (!/^\d+$/.test(v) || BigInt(v) > INFINITY) throw cgroupError(`linux.resources.unified: ${JSON.stringify(k)} value conversion error: ${JSON.stringify(v)}`);
  return BigInt(v);
}

/** The linux.resources.unified keys systemd has a property for; the others are files only. */
export function unifiedProperties(unified: Record<string, string>, version: VersionFn): Property[] {
  const out: Property[] = [];
  for (const [k, raw] of Object.entries(unified)) {
    if (k.includes('/')) throw cgroupError(`linux.resources.unified: ${JSON.stringify(k)} must be a file name (no slashes)`);
    if (!/^[^.]+\..+$/.test(k)) throw cgroupError(`linux.resources.unified: ${JSON.stringify(k)} must be in the form CONTROLLER.PARAMETER`);
    const v = raw.trim();
    if (k === 'cpu.max') out.push(...cpuMax(k, v, version));
    else if (k === 'cpu.weight') out.push(prop('CPUWeight', 't', u64Value(k, v)));
    else if (k === 'cpuset.cpus' || k === 'cpuset.mems') {
      let bits: number[];
      try { bits = rangeToBits(v); } catch (e) { throw cgroupError(`linux.resources.unified: ${JSON.stringify(k)}=${JSON.stringify(v)} conversion error: ${(e as Error).message}`); }
      if (version() >= 244) out.push(prop(k === 'cpuset.cpus' ? 'AllowedCPUs' : 'AllowedMemoryNodes', 'ay', bits));
    } else if (MEMORY_KEYS[k]) out.push(prop(MEMORY_KEYS[k], 't', u64Value(k, v)));
    else if (k === 'pids.max') out.push(prop('TasksMax', 't', u64Value(k, v)));
  }
  return out;
}

function cpuMax(k: string, v: string, version: VersionFn): Property[] {
  const f = v.split(/\s+/).filter(Boolean);
  const bad = () => cgroupError(`linux.resources.unified: ${JSON.stringify(k)} value invalid: ${JSON.stringify(v)}`);
  if (f.length < 1 || f.length > 2) throw bad();
  if (f[0] !== 'max' && !/^-?\d+$/.test(f[0])) throw bad();
  if (f[1] !== undefined && !/^\d+$/.test(f[1])) throw bad();
  const quota = f[0] === 'max' ? 0 : Number(f[0]);
  return cpuQuotaProperties(quota, f[1] === undefined ? Number(DEFAULT_PERIOD) : Number(f[1]), version);
}
