// Which settings of linux.resources each controller is asked for. A controller the host lacks
// is an error only when something is asked of it; the error names the first such setting and
// the file it would have been written to.
import type { Resources } from '../spec/types.js';

export interface Want { resource: string; v1: string; v2: string }

type WantFn = (r: Resources) => Want | undefined;

const w = (resource: string, v1: string, v2 = v1): Want => ({ resource, v1, v2 });
const set = (v: unknown) => v !== undefined && v !== null;
const nonzero = (v: number | undefined) => set(v) && v !== 0;

export const wantsMemory: WantFn = ({ memory: m }) => {
  if (!m) return undefined;
  if (nonzero(m.limit)) return w('memory.limit', 'memory.limit_in_bytes', 'memory.max');
  if (nonzero(m.reservation)) return w('memory.reservation', 'memory.soft_limit_in_bytes', 'memory.low');
  if (nonzero(m.swap)) return w('memory.swap', 'memory.memsw.limit_in_bytes', 'memory.swap.max');
  if (nonzero(m.kernelTCP)) return w('memory.kernelTCP', 'memory.kmem.tcp.limit_in_bytes');
  if (set(m.swappiness) && m.swappiness !== -1) return w('memory.swappiness', 'memory.swappiness');
  if (m.disableOOMKiller) return w('memory.disableOOMKiller', 'memory.oom_control');
  return undefined;
};

export const wantsCpu: WantFn = ({ cpu: c }) => {
  if (!c) return undefined;
  if (nonzero(c.shares)) return w('cpu.shares', 'cpu.shares', 'cpu.weight');
  if (nonzero(c.quota) || nonzero(c.period)) return w(nonzero(c.quota) ? 'cpu.quota' : 'cpu.period', 'cpu.cfs_quota_us', 'cpu.max');
  if (set(c.burst)) return w('cpu.burst', 'cpu.cfs_burst_us', 'cpu.max.burst');
  if (nonzero(c.realtimeRuntime) || nonzero(c.realtimePeriod)) return w('cpu.realtimeRuntime', 'cpu.rt_runtime_us', '(none)');
  if (set(c.idle)) return w('cpu.idle', 'cpu.idle');
  return undefined;
};

export const wantsCpuset: WantFn = ({ cpu: c }) => {
  if (c?.cpus) return w('cpu.cpus', 'cpuset.cpus');
  if (c?.mems) return w('cpu.mems', 'cpuset.mems');
  return undefined;
};

export const wantsBlkio: WantFn = ({ blockIO: b }) => {
  if (!b) return undefined;
  if (nonzero(b.weight)) return w('blockIO.weight', 'blkio.weight', 'io.weight');
  if (nonzero(b.leafWeight)) return w('blockIO.leafWeight', 'blkio.leaf_weight', '(none)');
  if (b.weightDevice?.length) return w('blockIO.weightDevice', 'blkio.weight_device', 'io.weight');
  for (const k of ['throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice'] as const) {
    if (b[k]?.length) return w(`blockIO.${k}`, `blkio.throttle.${k.includes('Read') ? 'read' : 'write'}_${k.includes('Bps') ? 'bps' : 'iops'}_device`, 'io.max');
  }
  return undefined;
};

export const wantsHugetlb: WantFn = ({ hugepageLimits: h }) =>
  h?.length ? w('hugepageLimits', `hugetlb.${h[0].pageSize}.limit_in_bytes`, `hugetlb.${h[0].pageSize}.max`) : undefined;

export const wantsPids: WantFn = ({ pids }) => (set(pids?.limit) ? w('pids.limit', 'pids.max') : undefined);

export const wantsRdma: WantFn = ({ rdma }) => (rdma && Object.keys(rdma).length ? w('rdma', 'rdma.max') : undefined);

export const wantsNetCls: WantFn = ({ network: n }) => (set(n?.classID) ? w('network.classID', 'net_cls.classid', '(none)') : undefined);

export const wantsNetPrio: WantFn = ({ network: n }) => (n?.priorities?.length ? w('network.priorities', 'net_prio.ifpriomap', '(none)') : undefined);
