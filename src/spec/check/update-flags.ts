// The values of update's per-field flags (--memory 100m, --cpu-quota 20000, ...), read as runc
// reads them, into linux.resources, then checked as an -r file is.
import { RuntsError } from '../../errors.js';
import type { Resources } from '../types.js';
import { checkResources } from './resources.js';

/** runc's per-field update flags, as paths into LinuxResources. */
export const UPDATE_FLAGS: Record<string, [string, string]> = {
  memory: ['memory', 'limit'], 'memory-reservation': ['memory', 'reservation'], 'memory-swap': ['memory', 'swap'],
  'kernel-memory': ['memory', 'kernel'], 'kernel-memory-tcp': ['memory', 'kernelTCP'],
  'cpu-share': ['cpu', 'shares'], 'cpu-shares': ['cpu', 'shares'], 'cpu-quota': ['cpu', 'quota'], 'cpu-period': ['cpu', 'period'],
  'cpu-burst': ['cpu', 'burst'], 'cpu-idle': ['cpu', 'idle'],
  'cpu-rt-runtime': ['cpu', 'realtimeRuntime'], 'cpu-rt-period': ['cpu', 'realtimePeriod'],
  'cpuset-cpus': ['cpu', 'cpus'], 'cpuset-mems': ['cpu', 'mems'], 'blkio-weight': ['blockIO', 'weight'],
  'pids-limit': ['pids', 'limit'],
};
const STRING_FIELDS = new Set(['cpuset-cpus', 'cpuset-mems']);
const BYTE_FIELDS = new Set(['memory', 'memory-reservation', 'memory-swap', 'kernel-memory', 'kernel-memory-tcp']);
const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** runc's byte sizes (go-units RAMInBytes): "1024", "100m", "1.5GiB", "2 kb"; "-1" is unlimited. */
function bytes(flag: string, v: string): number {
  if (v === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(v);
  if (!m) throw new RuntsError('config', `invalid value for ${flag}: invalid size: '${v}'`);
  return Math.trunc(Number(m[1]) * UNITS[m[2].toLowerCase()]);
}

function fieldValue(flag: string, v: string): string | number {
  if (STRING_FIELDS.has(flag)) return v;
  if (BYTE_FIELDS.has(flag)) return bytes(flag, v);
  if (!/^-?\d+$/.test(v)) throw new RuntsError('config', `invalid value for --${flag}: ${v}`);
  return Number(v);
}

/** values: flag -> its text, for the flags given. */
export function resourcesFromFlags(values: Record<string, string>): Resources {
  const res: Record<string, Record<string, unknown>> = {};
  for (const [flag, v] of Object.entries(values)) {
    const [group, field] = UPDATE_FLAGS[flag];
    (res[group] ??= {})[field] = fieldValue(flag, v);
  }
  return checkResources(res, 'update');
}
