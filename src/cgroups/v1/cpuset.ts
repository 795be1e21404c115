// v1 cpuset: cpus and mems. A new cpuset cgroup starts with both empty and takes no task until
// they are set, so every level from the hierarchy root down gets its parent's values when empty.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Resources } from '../../spec/types.js';
import { fileError, cgroupError } from '../errors.js';
import { hasFile, readOptional, readValue, writeValue } from '../fs.js';
import type { RawStats } from '../stats.js';
import { wantsCpuset } from '../wants.js';
import type { V1Controller } from './controller.js';

function set(dir: string, r: Resources): void {
  if (r.cpu?.cpus) writeValue(dir, 'cpuset.cpus', r.cpu.cpus);
  if (r.cpu?.mems) writeValue(dir, 'cpuset.mems', r.cpu.mems);
}

function copyIfEmpty(dir: string, parent: string): void {
  for (const f of ['cpuset.cpus', 'cpuset.mems']) {
    if (readValue(dir, f) === '') writeValue(dir, f, readValue(parent, f));
  }
}

/** Creates dir and its missing ancestors below mountpoint, each with cpus and mems filled in. */
export function createCpuset(mountpoint: string, dir: string): void {
  if (dir === mountpoint || !dir.startsWith(mountpoint + '/')) return;
  createCpuset(mountpoint, dirname(dir));
  try { mkdirSync(dir); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(`create cpuset cgroup`, dir, e);
  }
  copyIfEmpty(dir, dirname(dir));
}

/** After the container's own cpus/mems were written: fill what is still empty from the parent. */
export function fillCpuset(dir: string): void {
  copyIfEmpty(dir, dirname(dir));
}

/** "0-2,4" -> [0, 1, 2, 4] */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a) || (b !== undefined && (!Number.isInteger(b) || b < a))) throw cgroupError(`malformed cpu list ${JSON.stringify(text)}`);
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

function stats(dir: string, s: RawStats): void {
  if (!hasFile(dir, 'cpuset.cpus')) return;
  const num = (f: string) => Number(readOptional(dir, f) ?? 0);
  s.cpuset.cpus = parseCpuList(readValue(dir, 'cpuset.cpus'));
  s.cpuset.mems = parseCpuList(readValue(dir, 'cpuset.mems'));
  s.cpuset.cpu_exclusive = num('cpuset.cpu_exclusive');
  s.cpuset.mem_hardwall = num('cpuset.mem_hardwall');
  s.cpuset.mem_exclusive = num('cpuset.mem_exclusive');
  s.cpuset.memory_migrate = num('cpuset.memory_migrate');
  s.cpuset.memory_spread_page = num('cpuset.memory_spread_page');
  s.cpuset.memory_spread_slab = num('cpuset.memory_spread_slab');
  s.cpuset.memory_pressure = num('cpuset.memory_pressure');
  s.cpuset.sched_load_balance = num('cpuset.sched_load_balance');
  s.cpuset.sched_relax_domain_level = num('cpuset.sched_relax_domain_level');
}

export const cpuset: V1Controller = { name: 'cpuset', wants: wantsCpuset, set, stats };
