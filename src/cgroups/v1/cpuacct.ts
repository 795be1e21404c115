// v1 cpuacct: stats only (total, per-cpu, user/kernel split).
import { hasFile, readOptional, readU64, readValue } from '../fs.js';
import type { RawStats } from '../stats.js';
import type { V1Controller } from './controller.js';

const NS_PER_TICK = 1e9 / 100; // cpuacct.stat counts USER_HZ (100) ticks

function numbers(text: string): number[] {
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/** cpuacct.usage_all: a header line, then "cpu user system" per cpu. */
function perCpuModes(dir: string, s: RawStats): void {
  const text = readOptional(dir, 'cpuacct.usage_all');
  if (text === undefined) return;
  for (const line of text.split('\n').slice(1)) {
    const f = line.split(' ');
    if (f.length !== 3) continue;
    s.cpu.percpuUser.push(Number(f[1]));
    s.cpu.percpuKernel.push(Number(f[2]));
  }
}

function stats(dir: string, s: RawStats): void {
  if (!hasFile(dir, 'cpuacct.usage')) return;
  const st = readValue(dir, 'cpuacct.stat').split(/\s+/);
  s.cpu.user = Number(st[st.indexOf('user') + 1]) * NS_PER_TICK;
  s.cpu.kernel = Number(st[st.indexOf('system') + 1]) * NS_PER_TICK;
  s.cpu.total = readU64(dir, 'cpuacct.usage');
  s.cpu.percpu = numbers(readValue(dir, 'cpuacct.usage_percpu'));
  perCpuModes(dir, s);
}

export const cpuacct: V1Controller = { name: 'cpuacct', stats };
