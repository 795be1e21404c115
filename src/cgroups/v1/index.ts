// The v1 controllers that take settings or give stats, in the order they are set (cpuset and
// memory first: a task cannot join an empty cpuset, and limits should be in place early).
import { blkio } from './blkio.js';
import type { V1Controller } from './controller.js';
import { cpu } from './cpu.js';
import { cpuacct } from './cpuacct.js';
import { cpuset } from './cpuset.js';
import { hugetlb } from './hugetlb.js';
import { memory } from './memory.js';
import { netCls, netPrio } from './net.js';
import { pids } from './pids.js';
import { rdma } from './rdma.js';

export type { V1Controller } from './controller.js';

export function v1Controllers(hugePageSizes: string[]): V1Controller[] {
  return [cpuset, memory, cpu, cpuacct, pids, blkio, hugetlb(hugePageSizes), netCls, netPrio, rdma];
}
