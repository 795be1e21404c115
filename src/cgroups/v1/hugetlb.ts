// v1 hugetlb: hugetlb.<size>.limit_in_bytes (and the reservation limit where the kernel has it).
import type { Resources } from '../../spec/types.js';
import { hasFile, readU64, writeValue } from '../fs.js';
import type { RawStats } from '../stats.js';
import { wantsHugetlb } from '../wants.js';
import type { V1Controller } from './controller.js';
import { errCode } from '../errors.js';

function set(dir: string, r: Resources): void {
  for (const h of r.hugepageLimits ?? []) {
    writeValue(dir, `hugetlb.${h.pageSize}.limit_in_bytes`, h.limit);
    try { writeValue(dir, `hugetlb.${h.pageSize}.rsvd.limit_in_bytes`, h.limit); } catch (e) {
      if (errCode(e) !== 'ENOENT') throw e;
    }
  }
}

export function hugetlbStats(sizes: string[]) {
  return (dir: string, s: RawStats): void => {
    for (const size of sizes) {
      const f = (x: string) => `hugetlb.${size}.${x}`;
      if (!hasFile(dir, f('usage_in_bytes'))) continue;
      s.hugetlb[size] = { usage: readU64(dir, f('usage_in_bytes')), max: readU64(dir, f('max_usage_in_bytes')), failcnt: readU64(dir, f('failcnt')) };
    }
  };
}

export const hugetlb = (sizes: string[]): V1Controller => ({ name: 'hugetlb', wants: wantsHugetlb, set, stats: hugetlbStats(sizes) });
