// Which setting of linux.resources a cgroup file carries (v1 and v2 names), so that a failed
// write names the setting as well as the file.
const BY_FILE: Record<string, string> = {
  'memory.limit_in_bytes': 'memory.limit', 'memory.max': 'memory.limit',
  'memory.soft_limit_in_bytes': 'memory.reservation', 'memory.low': 'memory.reservation',
  'memory.memsw.limit_in_bytes': 'memory.swap', 'memory.swap.max': 'memory.swap',
  'memory.kmem.tcp.limit_in_bytes': 'memory.kernelTCP', 'memory.swappiness': 'memory.swappiness',
  'memory.oom_control': 'memory.disableOOMKiller', 'memory.use_hierarchy': 'memory.useHierarchy',
  'cpu.shares': 'cpu.shares', 'cpu.weight': 'cpu.shares', 'cpu.cfs_quota_us': 'cpu.quota', 'cpu.cfs_period_us': 'cpu.period',
  'cpu.max': 'cpu.quota', 'cpu.cfs_burst_us': 'cpu.burst', 'cpu.max.burst': 'cpu.burst', 'cpu.idle': 'cpu.idle',
  'cpu.rt_runtime_us': 'cpu.realtimeRuntime', 'cpu.rt_period_us': 'cpu.realtimePeriod',
  'cpuset.cpus': 'cpu.cpus', 'cpuset.mems': 'cpu.mems',
  'blkio.weight': 'blockIO.weight', 'blkio.bfq.weight': 'blockIO.weight', 'io.weight': 'blockIO.weight', 'io.bfq.weight': 'blockIO.weight',
  'blkio.weight_device': 'blockIO.weightDevice', 'blkio.bfq.weight_device': 'blockIO.weightDevice',
  'blkio.leaf_weight': 'blockIO.leafWeight', 'blkio.leaf_weight_device': 'blockIO.weightDevice',
  'blkio.throttle.read_bps_device': 'blockIO.throttleReadBpsDevice', 'blkio.throttle.write_bps_device': 'blockIO.throttleWriteBpsDevice',
  'blkio.throttle.read_iops_device': 'blockIO.throttleReadIOPSDevice', 'blkio.throttle.write_iops_device': 'blockIO.throttleWriteIOPSDevice',
  'io.max': 'blockIO (throttle)', 'pids.max': 'pids.limit', 'rdma.max': 'rdma',
  'net_cls.classid': 'network.classID', 'net_prio.ifpriomap': 'network.priorities',
};

/** "linux.resources.<setting>" for a cgroup file name, or undefined. */
export function resourceOf(file: string): string | undefined {
  const name = BY_FILE[file] ?? (file.startsWith('hugetlb.') ? 'hugepageLimits' : undefined);
  return name && `linux.resources.${name}`;
}
