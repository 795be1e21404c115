// Stats in the shape of runc's `events --stats` "data" (runc types/events.go): fields Go tags
// `omitempty` are left out when zero or empty, exactly as runc's JSON leaves them out.
// Numbers are JS numbers; the CLI prints those above 2^53 in full (src/cli/go-json.ts).

export interface MemoryEntry { limit: number; usage?: number; max?: number; failcnt: number }
export interface BlkioEntry { major?: number; minor?: number; op?: string; value?: number }
export interface HugetlbEntry { usage?: number; max?: number; failcnt: number }

export interface CgroupStats {
  cpu: {
    usage: { total?: number; percpu?: number[]; percpu_kernel?: number[]; percpu_user?: number[]; kernel: number; user: number };
    throttling: { periods?: number; throttledPeriods?: number; throttledTime?: number };
  };
  cpuset: {
    cpus?: number[]; cpu_exclusive: number; mems?: number[]; mem_hardwall: number; mem_exclusive: number;
    memory_migrate: number; memory_spread_page: number; memory_spread_slab: number; memory_pressure: number;
    sched_load_balance: number; sched_relax_domain_level: number;
  };
  memory: { cache?: number; usage: MemoryEntry; swap: MemoryEntry; kernel: MemoryEntry; kernelTCP: MemoryEntry; raw?: Record<string, number> };
  pids: { current?: number; limit?: number };
  blkio: Partial<Record<BlkioKey, BlkioEntry[]>>;
  hugetlb: Record<string, HugetlbEntry>;
  intel_rdt: Record<string, never>;
  network_interfaces: null;
}

export const BLKIO_KEYS = ['ioServiceBytesRecursive', 'ioServicedRecursive', 'ioQueueRecursive', 'ioServiceTimeRecursive',
  'ioWaitTimeRecursive', 'ioMergedRecursive', 'ioTimeRecursive', 'sectorsRecursive'] as const;
export type BlkioKey = typeof BLKIO_KEYS[number];

/** What the controllers fill in, with every field present; shapeStats() then applies omitempty. */
export interface RawMemory { limit: number; usage: number; max: number; failcnt: number }
export interface RawStats {
  cpu: { total: number; percpu: number[]; percpuKernel: number[]; percpuUser: number[]; kernel: number; user: number;
    periods: number; throttledPeriods: number; throttledTime: number };
  cpuset: Omit<CgroupStats['cpuset'], 'cpus' | 'mems'> & { cpus: number[]; mems: number[] };
  memory: { cache: number; usage: RawMemory; swap: RawMemory; kernel: RawMemory; kernelTCP: RawMemory; raw: Record<string, number> };
  pids: { current: number; limit: number };
  blkio: Record<BlkioKey, { major: number; minor: number; op: string; value: number }[]>;
  hugetlb: Record<string, { usage: number; max: number; failcnt: number }>;
}

const mem = (): RawMemory => ({ limit: 0, usage: 0, max: 0, failcnt: 0 });

export function emptyStats(): RawStats {
  return {
    cpu: { total: 0, percpu: [], percpuKernel: [], percpuUser: [], kernel: 0, user: 0, periods: 0, throttledPeriods: 0, throttledTime: 0 },
    cpuset: { cpus: [], cpu_exclusive: 0, mems: [], mem_hardwall: 0, mem_exclusive: 0, memory_migrate: 0, memory_spread_page: 0,
      memory_spread_slab: 0, memory_pressure: 0, sched_load_balance: 0, sched_relax_domain_level: 0 },
    memory: { cache: 0, usage: mem(), swap: mem(), kernel: mem(), kernelTCP: mem(), raw: {} },
    pids: { current: 0, limit: 0 },
    blkio: Object.fromEntries(BLKIO_KEYS.map((k) => [k, []])) as unknown as RawStats['blkio'],
    hugetlb: {},
  };
}

/** Copies the fields whose value is not Go's zero value (omitempty). */
function omitEmpty<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o) as [keyof T, unknown][]) {
    const empty = v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length);
    if (!empty) out[k] = v as T[keyof T];
  }
  return out;
}

function memoryEntry(m: RawMemory): MemoryEntry {
  return { limit: m.limit, ...omitEmpty({ usage: m.usage, max: m.max }), failcnt: m.failcnt };
}

export function shapeStats(r: RawStats): CgroupStats {
  const c = r.cpu;
  const blkio: CgroupStats['blkio'] = {};
  for (const k of BLKIO_KEYS) if (r.blkio[k].length) blkio[k] = r.blkio[k].map((e) => omitEmpty(e));
  const hugetlb: CgroupStats['hugetlb'] = {};
  for (const [size, h] of Object.entries(r.hugetlb)) hugetlb[size] = { ...omitEmpty({ usage: h.usage, max: h.max }), failcnt: h.failcnt };
  const s = r.cpuset;
  return {
    cpu: {
      usage: { ...omitEmpty({ total: c.total, percpu: c.percpu, percpu_kernel: c.percpuKernel, percpu_user: c.percpuUser }), kernel: c.kernel, user: c.user },
      throttling: omitEmpty({ periods: c.periods, throttledPeriods: c.throttledPeriods, throttledTime: c.throttledTime }),
    },
    cpuset: {
      ...omitEmpty({ cpus: s.cpus }), cpu_exclusive: s.cpu_exclusive, ...omitEmpty({ mems: s.mems }),
      mem_hardwall: s.mem_hardwall, mem_exclusive: s.mem_exclusive, memory_migrate: s.memory_migrate,
      memory_spread_page: s.memory_spread_page, memory_spread_slab: s.memory_spread_slab, memory_pressure: s.memory_pressure,
      sched_load_balance: s.sched_load_balance, sched_relax_domain_level: s.sched_relax_domain_level,
    },
    memory: {
      ...omitEmpty({ cache: r.memory.cache }),
      usage: memoryEntry(r.memory.usage), swap: memoryEntry(r.memory.swap),
      kernel: memoryEntry(r.memory.kernel), kernelTCP: memoryEntry(r.memory.kernelTCP),
      ...omitEmpty({ raw: r.memory.raw }),
    },
    pids: omitEmpty(r.pids),
    blkio, hugetlb, intel_rdt: {}, network_interfaces: null,
  };
}
