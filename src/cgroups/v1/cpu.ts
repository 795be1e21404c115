// v1 cpu: shares (read back: the kernel clamps), CFS quota/period/burst, idle, RT runtime/period.
// Interdependent pairs are written in the order the kernel accepts: a write that fails with
// EINVAL because of the old partner value is retried after the partner is written.
import type { Resources } from '../../spec/types.js';
import { hasFile, readKeyValues, readU64, writeValue } from '../fs.js';
import type { RawStats } from '../stats.js';
import { wantsCpu } from '../wants.js';
import type { V1Controller } from './controller.js';
import { cgroupError, errCode } from '../errors.js';

type Cpu = NonNullable<Resources['cpu']>;

/** Writes file=value now, or returns value to retry after `partner` was written (EINVAL only). */
function tryFirst(dir: string, file: string, value: number | undefined, partnerSet: boolean): string | undefined {
  if (value === undefined || value === null) return undefined;
  try { writeValue(dir, file, value); return undefined; } catch (e) {
    if (errCode(e) !== 'EINVAL' || !partnerSet) throw e;
    return String(value);
  }
}

function setShares(dir: string, shares: number): void {
  writeValue(dir, 'cpu.shares', shares);
  const got = readU64(dir, 'cpu.shares');
  if (got === shares) return;
  throw cgroupError(`set cpu.shares to ${shares} in ${dir}: the ${shares > got ? 'maximum' : 'minimum'} allowed cpu-shares is ${got}`);
}

function setCfs(dir: string, c: Cpu): void {
  const quotaSet = !!c.quota;
  const period = c.period ? tryFirst(dir, 'cpu.cfs_period_us', c.period, quotaSet) : undefined;
  let burst: string | undefined;
  if (c.burst !== undefined && c.burst !== null) {
    try { burst = tryFirst(dir, 'cpu.cfs_burst_us', c.burst, quotaSet); } catch (e) {
      if (errCode(e) !== 'ENOENT') throw e; // no burst knob (Linux < 5.14): ignored, as runc
    }
  }
  if (!quotaSet) return;
  writeValue(dir, 'cpu.cfs_quota_us', c.quota as number);
  if (period) writeValue(dir, 'cpu.cfs_period_us', period);
  if (burst) writeValue(dir, 'cpu.cfs_burst_us', burst);
}

function setRt(dir: string, c: Cpu): void {
  const period = c.realtimePeriod ? tryFirst(dir, 'cpu.rt_period_us', c.realtimePeriod, !!c.realtimeRuntime) : undefined;
  if (!c.realtimeRuntime) return;
  writeValue(dir, 'cpu.rt_runtime_us', c.realtimeRuntime);
  if (period) writeValue(dir, 'cpu.rt_period_us', period);
}

function set(dir: string, r: Resources): void {
  const c = r.cpu;
  if (!c) return;
  if (c.shares) setShares(dir, c.shares);
  setCfs(dir, c);
  if (c.idle !== undefined && c.idle !== null) writeValue(dir, 'cpu.idle', c.idle);
  setRt(dir, c);
}

function stats(dir: string, s: RawStats): void {
  if (!hasFile(dir, 'cpu.stat')) return;
  const kv = readKeyValues(dir, 'cpu.stat');
  s.cpu.periods = kv.nr_periods ?? 0;
  s.cpu.throttledPeriods = kv.nr_throttled ?? 0;
  s.cpu.throttledTime = kv.throttled_time ?? 0;
}

export const cpu: V1Controller = { name: 'cpu', wants: wantsCpu, set, stats };
