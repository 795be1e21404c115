// The v2 controllers that take settings or give stats, in the order they are set.
import type { V2Controller } from './controller.js';
import { cpu } from './cpu.js';
import { cpuset } from './cpuset.js';
import { io } from './io.js';
import { memory } from './memory.js';
import { hugetlb, pids, rdma } from './misc.js';

export type { V2Controller } from './controller.js';

export function v2Controllers(hugePageSizes: string[]): V2Controller[] {
  return [cpuset, memory, cpu, io, pids, hugetlb(hugePageSizes), rdma];
}
