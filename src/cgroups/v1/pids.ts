// v1 pids (the same files as v2): pids.max, -1 is "max"; 0 is a real limit (spec 1.3).
import type { Resources } from '../../spec/types.js';
import { MAX_U64, hasFile, readU64, writeValue } from '../fs.js';
import type { RawStats } from '../stats.js';
import { wantsPids } from '../wants.js';
import type { V1Controller } from './controller.js';

export function setPids(dir: string, r: Resources): void {
  const limit = r.pids?.limit;
  if (limit === undefined || limit === null) return;
  writeValue(dir, 'pids.max', limit < 0 ? 'max' : limit);
}

export function pidsStats(dir: string, s: RawStats): void {
  if (!hasFile(dir, 'pids.current')) return;
  s.pids.current = readU64(dir, 'pids.current');
  const max = readU64(dir, 'pids.max');
  s.pids.limit = max === MAX_U64 ? 0 : max;
}

export const pids: V1Controller = { name: 'pids', wants: wantsPids, set: setPids, stats: pidsStats };
