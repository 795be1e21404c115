// v2 pids, hugetlb and rdma: the same settings as v1 under their v2 file names.
import type { Resources } from '../../spec/types.js';
import { hasFile, readOptional, readU64, writeValue } from '../fs.js';
import type { RawStats } from '../stats.js';
import { pidsStats, setPids } from '../v1/pids.js';
import { setRdma } from '../v1/rdma.js';
import { wantsHugetlb, wantsPids, wantsRdma } from '../wants.js';
import type { V2Controller } from './controller.js';
import { errCode } from '../errors.js';

function pidsStatsV2(dir: string, s: RawStats): void {
  if (hasFile(dir, 'pids.current')) { pidsStats(dir, s); return; }
  const procs = readOptional(dir, 'cgroup.procs');
  if (procs !== undefined) s.pids.current = procs.split('\n').filter(Boolean).length;
}

export const pids: V2Controller = { name: 'pids', wants: wantsPids, set: setPids, stats: pidsStatsV2 };

function setHugetlb(dir: string, r: Resources): void {
  for (const h of r.hugepageLimits ?? []) {
    writeValue(dir, `hugetlb.${h.pageSize}.max`, h.limit);
    try { writeValue(dir, `hugetlb.${h.pageSize}.rsvd.max`, h.limit); } catch (e) {
      if (errCode(e) !== 'ENOENT') throw e;
    }
  }
}

/** "max N" from hugetlb.<size>.events is the v2 failure count. */
function hugetlbStats(sizes: string[]) {
  return (dir: string, s: RawStats): void => {
    for (const size of sizes) {
      if (!hasFile(dir, `hugetlb.${size}.current`)) continue;
      const events = readOptional(dir, `hugetlb.${size}.events`) ?? '';
      const failcnt = Number(/^max (\d+)$/m.exec(events)?.[1] ?? 0);
      s.hugetlb[size] = { usage: readU64(dir, `hugetlb.${size}.current`), max: 0, failcnt };
    }
  };
}

export const hugetlb = (sizes: string[]): V2Controller => ({ name: 'hugetlb', wants: wantsHugetlb, set: setHugetlb, stats: hugetlbStats(sizes) });

export const rdma: V2Controller = { name: 'rdma', wants: wantsRdma, set: setRdma };
