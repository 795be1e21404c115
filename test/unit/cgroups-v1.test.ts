// cgroup v1 controllers against fake cgroup directories (plain files in a temp dir).
import t, { type Test } from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManager } from '../../src/cgroups/index.js';

const FILES: Record<string, Record<string, string>> = {
  memory: {
    'memory.limit_in_bytes': '9223372036854771712', 'memory.memsw.limit_in_bytes': '9223372036854771712', 'memory.soft_limit_in_bytes': '',
    'memory.swappiness': '60', 'memory.oom_control': 'oom_kill_disable 0', 'memory.kmem.tcp.limit_in_bytes': '', 'memory.use_hierarchy': '1',
    'memory.usage_in_bytes': '4096', 'memory.max_usage_in_bytes': '8192', 'memory.failcnt': '0',
    'memory.memsw.usage_in_bytes': '4096', 'memory.memsw.max_usage_in_bytes': '8192', 'memory.memsw.failcnt': '0',
    'memory.stat': 'cache 100\nrss 200\ntotal_cache 100\n',
  },
  cpu: { 'cpu.shares': '1024', 'cpu.cfs_quota_us': '-1', 'cpu.cfs_period_us': '100000', 'cpu.cfs_burst_us': '0', 'cpu.idle': '0',
    'cpu.rt_runtime_us': '0', 'cpu.rt_period_us': '1000000', 'cpu.stat': 'nr_periods 5\nnr_throttled 2\nthrottled_time 1000\n' },
  cpuacct: { 'cpuacct.usage': '5000', 'cpuacct.stat': 'user 3\nsystem 1\n', 'cpuacct.usage_percpu': '3000 2000 ',
    'cpuacct.usage_all': 'cpu user system\n0 2000 1000\n1 1500 500\n' },
  cpuset: { 'cpuset.cpus': '0-1', 'cpuset.mems': '0' },
  pids: { 'pids.max': 'max', 'pids.current': '3' },
  blkio: { 'blkio.bfq.weight': '100', 'blkio.bfq.weight_device': '', 'blkio.throttle.read_bps_device': '', 'blkio.throttle.write_iops_device': '',
    'blkio.bfq.io_serviced_recursive': '254:0 Read 10\n254:0 Write 5\nTotal 15\n', 'blkio.bfq.io_service_bytes_recursive': '254:0 Read 4096\nTotal 4096\n' },
  net_cls: { 'net_cls.classid': '0' },
  net_prio: { 'net_prio.ifpriomap': '' },
  hugetlb: { 'hugetlb.2MB.limit_in_bytes': '', 'hugetlb.2MB.rsvd.limit_in_bytes': '', 'hugetlb.2MB.usage_in_bytes': '0',
    'hugetlb.2MB.max_usage_in_bytes': '2097152', 'hugetlb.2MB.failcnt': '1' },
  rdma: { 'rdma.max': '' },
};

function fakeTree(t: Test, only?: string[]): { paths: Record<string, string>; read: (c: string, f: string) => string } {
  const root = mkdtempSync(join(tmpdir(), 'runts-cg-v1-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const paths: Record<string, string> = {};
  for (const [ctrl, files] of Object.entries(FILES)) {
    if (only && !only.includes(ctrl)) continue;
    const dir = join(root, ctrl, 'c1');
    mkdirSync(dir, { recursive: true });
    for (const [f, v] of Object.entries(files)) writeFileSync(join(dir, f), v);
    paths[ctrl] = dir;
  }
  return { paths, read: (c, f) => readFileSync(join(paths[c], f), 'utf8') };
}

t.test('memory: limits, swap, reservation, swappiness, OOM killer, kmem', async (t) => {
  const { paths, read } = fakeTree(t);
  loadManager(paths, false).set({ memory: { limit: 64 << 20, swap: 128 << 20, reservation: 32 << 20, swappiness: 10, disableOOMKiller: true, kernel: 1 << 20, kernelTCP: 1 << 20, useHierarchy: true } });
  t.equal(read('memory', 'memory.limit_in_bytes'), String(64 << 20));
  t.equal(read('memory', 'memory.memsw.limit_in_bytes'), String(128 << 20), 'swap is memory+swap in v1');
  t.equal(read('memory', 'memory.soft_limit_in_bytes'), String(32 << 20));
  t.equal(read('memory', 'memory.swappiness'), '10');
  t.equal(read('memory', 'memory.oom_control'), '1');
  t.equal(read('memory', 'memory.kmem.tcp.limit_in_bytes'), String(1 << 20));
  t.equal(read('memory', 'memory.use_hierarchy'), '1', 'unchanged: nothing written');
});

t.test('memory: -1 is unlimited for memory and memsw; bad swappiness; checkBeforeUpdate', async (t) => {
  const { paths, read } = fakeTree(t);
  const m = loadManager(paths, false);
  m.set({ memory: { limit: -1 } });
  t.equal(read('memory', 'memory.limit_in_bytes'), '-1');
  t.equal(read('memory', 'memory.memsw.limit_in_bytes'), '-1', 'swap follows an unlimited memory limit');
  t.throws(() => m.set({ memory: { swappiness: 101 } }), /invalid linux.resources.memory.swappiness 101 \(valid range is 0-100\)/);
  t.throws(() => m.set({ memory: { limit: 4096, checkBeforeUpdate: true } }), /rejecting memory limit 4096 <= usage 4096/);
  t.doesNotThrow(() => m.set({ memory: { limit: 8192, checkBeforeUpdate: true } }));
});

t.test('cpu: shares, CFS quota/period/burst, idle, realtime', async (t) => {
  const { paths, read } = fakeTree(t);
  loadManager(paths, false).set({ cpu: { shares: 512, quota: 50000, period: 200000, burst: 10000, idle: 1, realtimeRuntime: 1000, realtimePeriod: 500000 } });
  t.equal(read('cpu', 'cpu.shares'), '512');
  t.equal(read('cpu', 'cpu.cfs_quota_us'), '50000');
  t.equal(read('cpu', 'cpu.cfs_period_us'), '200000');
  t.equal(read('cpu', 'cpu.cfs_burst_us'), '10000');
  t.equal(read('cpu', 'cpu.idle'), '1');
  t.equal(read('cpu', 'cpu.rt_runtime_us'), '1000');
  t.equal(read('cpu', 'cpu.rt_period_us'), '500000');
});

t.test('cpuset, pids, net_cls, net_prio, rdma, hugetlb', async (t) => {
  const { paths, read } = fakeTree(t);
  const m = loadManager(paths, false);
  m.set({
    cpu: { cpus: '1', mems: '0' }, pids: { limit: -1 }, network: { classID: 0x100001, priorities: [{ name: 'eth0', priority: 5 }] },
    rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 } }, hugepageLimits: [{ pageSize: '2MB', limit: 4 << 20 }],
  });
  t.equal(read('cpuset', 'cpuset.cpus'), '1');
  t.equal(read('pids', 'pids.max'), 'max');
  t.equal(read('net_cls', 'net_cls.classid'), String(0x100001));
  t.equal(read('net_prio', 'net_prio.ifpriomap'), 'eth0 5');
  t.equal(read('rdma', 'rdma.max'), 'mlx5_1 hca_handle=3 hca_object=10000');
  t.equal(read('hugetlb', 'hugetlb.2MB.limit_in_bytes'), String(4 << 20));
  t.equal(read('hugetlb', 'hugetlb.2MB.rsvd.limit_in_bytes'), String(4 << 20), 'the reservation limit too');
  m.set({ pids: { limit: 0 } });
  t.equal(read('pids', 'pids.max'), '0', '0 is a real limit');
});

t.test('blkio: BFQ file names when there is no blkio.weight; throttles', async (t) => {
  const { paths, read } = fakeTree(t);
  loadManager(paths, false).set({ blockIO: {
    weight: 300, weightDevice: [{ major: 254, minor: 0, weight: 200 }],
    throttleReadBpsDevice: [{ major: 254, minor: 0, rate: 1048576 }], throttleWriteIOPSDevice: [{ major: 254, minor: 0, rate: 100 }],
  } });
  t.equal(read('blkio', 'blkio.bfq.weight'), '300');
  t.equal(read('blkio', 'blkio.bfq.weight_device'), '254:0 200');
  t.equal(read('blkio', 'blkio.throttle.read_bps_device'), '254:0 1048576');
  t.equal(read('blkio', 'blkio.throttle.write_iops_device'), '254:0 100');
  writeFileSync(join(paths.blkio, 'blkio.weight'), '500');
  writeFileSync(join(paths.blkio, 'blkio.leaf_weight'), '500');
  loadManager(paths, false).set({ blockIO: { weight: 700, leafWeight: 600 } });
  t.equal(read('blkio', 'blkio.weight'), '700', 'CFQ name when blkio.weight exists');
  t.equal(read('blkio', 'blkio.leaf_weight'), '600');
});

t.test('errors name the resource and the file', async (t) => {
  const { paths } = fakeTree(t, ['memory', 'cpu', 'pids']);
  const m = loadManager(paths, false);
  t.throws(() => m.set({ network: { classID: 1 } }), { message: 'cgroup: cannot set linux.resources.network.classID (net_cls.classid): no net_cls controller: not mounted as cgroup v1' });
  t.throws(() => m.set({ hugepageLimits: [{ pageSize: '2MB', limit: 1 }] }), /linux.resources.hugepageLimits \(hugetlb.2MB.limit_in_bytes\)/);
  t.throws(() => m.set({ blockIO: { weight: 10 } }), /linux.resources.blockIO.weight \(blkio.weight\)/);
  t.throws(() => m.set({ unified: { 'memory.max': '1' } }), /unified\["memory.max"\]: this host has no cgroup v2 hierarchy/);
  t.doesNotThrow(() => m.set({ network: {}, hugepageLimits: [], blockIO: {} }), 'empty settings ask nothing');
  rmSync(join(paths.memory, 'memory.limit_in_bytes'));
  mkdirSync(join(paths.memory, 'memory.limit_in_bytes'));
  t.throws(() => m.set({ memory: { limit: 1024 } }), { message: `cgroup: linux.resources.memory.limit: set memory.limit_in_bytes to 1024 in ${paths.memory}: is a directory` });
});

t.test('stats: memory, cpu, cpuacct, pids, blkio, hugetlb', async (t) => {
  const { paths } = fakeTree(t);
  const s = loadManager(paths, false).stats();
  t.same(s.memory.usage, { limit: 9223372036854771712, usage: 4096, max: 8192, failcnt: 0 });
  t.same(s.memory.swap, { limit: 9223372036854771712, usage: 4096, max: 8192, failcnt: 0 });
  t.same(s.memory.kernel, { limit: 0, failcnt: 0 }, 'no kmem files: zero, with omitempty');
  t.equal(s.memory.cache, 100);
  t.same(s.memory.raw, { cache: 100, rss: 200, total_cache: 100 });
  t.same(s.cpu, {
    usage: { total: 5000, percpu: [3000, 2000], percpu_kernel: [1000, 500], percpu_user: [2000, 1500], kernel: 1e7, user: 3e7 },
    throttling: { periods: 5, throttledPeriods: 2, throttledTime: 1000 },
  });
  t.same(s.pids, { current: 3 }, 'pids.max "max" is limit 0, left out');
  t.same(s.blkio, {
    ioServicedRecursive: [{ major: 254, op: 'Read', value: 10 }, { major: 254, op: 'Write', value: 5 }],
    ioServiceBytesRecursive: [{ major: 254, op: 'Read', value: 4096 }],
  }, 'minor 0 is left out as runc leaves it out');
  t.same(s.hugetlb['2MB'], { max: 2097152, failcnt: 1 });
  t.same(s.cpuset.cpus, [0, 1]);
  t.equal(s.network_interfaces, null);
});

t.test('a write the kernel refuses names the setting; OOM count', async (t) => {
  const { paths } = fakeTree(t);
  const m = loadManager(paths, false);
  t.throws(() => m.set({ blockIO: { leafWeight: 200 } }),
    /^cgroup: linux\.resources\.blockIO\.leafWeight: set blkio\.leaf_weight to 200 in .*: no such file or directory$/);
  writeFileSync(join(paths.memory, 'memory.oom_control'), 'oom_kill_disable 1\nunder_oom 1\noom_kill 3\n');
  t.equal(m.oomCount(), 4, 'kills, plus one while under OOM with the OOM killer disabled');
  t.equal(loadManager({ cpu: paths.cpu }, false).oomCount(), undefined, 'no memory controller');
});
