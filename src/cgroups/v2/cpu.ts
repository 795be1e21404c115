// v2 cpu: cpu.weight (from the spec's shares), cpu.max "<quota|max> <period>", cpu.max.burst,
// cpu.idle. Realtime settings have no v2 file: an error if asked for.
import type { Resources } from '../../spec/types.js';
import { sharesToWeight } from '../convert.js';
import { unsupported, errCode } from '../errors.js';
import { hasFile, readKeyValues, writeValue } from '../fs.js';
import type { RawStats } from '../stats.js';
import { wantsCpu } from '../wants.js';
import type { V2Controller } from './controller.js';

function setMax(dir: string, quota: number, period: number, burst?: string): void {
  writeValue(dir, 'cpu.max', `${quota > 0 ? quota : 'max'} ${period || 100000}`);
  if (burst) writeValue(dir, 'cpu.max.burst', burst);
}

function set(dir: string, r: Resources): void {
  const c = r.cpu;
  if (!c) return;
  if (c.realtimeRuntime || c.realtimePeriod) throw unsupported('cpu.realtimeRuntime', 'cpu.rt_runtime_us', 'cgroup v2 has no realtime cpu settings');
  if (c.idle !== undefined && c.idle !== null) writeValue(dir, 'cpu.idle', c.idle);
  if (c.shares) writeValue(dir, 'cpu.weight', sharesToWeight(c.shares));
  let burst: string | undefined;
  if (c.burst !== undefined && c.burst !== null) {
    try { writeValue(dir, 'cpu.max.burst', c.burst); } catch (e) {
      if (errCode(e) !== 'EINVAL' || !c.quota) throw e;
      burst = String(c.burst); // larger than the old quota allows: retry after cpu.max
    }
  }
  if (c.quota || c.period) setMax(dir, c.quota ?? 0, c.period ?? 0, burst);
}

function stats(dir: string, s: RawStats): void {
  if (!hasFile(dir, 'cpu.stat')) return;
  const kv = readKeyValues(dir, 'cpu.stat');
  s.cpu.total = (kv.usage_usec ?? 0) * 1000;
  s.cpu.user = (kv.user_usec ?? 0) * 1000;
  s.cpu.kernel = (kv.system_usec ?? 0) * 1000;
  s.cpu.periods = kv.nr_periods ?? 0;
  s.cpu.throttledPeriods = kv.nr_throttled ?? 0;
  s.cpu.throttledTime = (kv.throttled_usec ?? 0) * 1000;
}

export const cpu: V2Controller = { name: 'cpu', wants: wantsCpu, set, stats };
