// cgroup v2 controllers against a fake cgroup directory: conversions from the spec's v1 values,
// unified keys, stats.
import t, { type Test } from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManager } from '../../src/cgroups/index.js';
import { emptyStats } from '../../src/cgroups/stats.js';
import { parseIoStat } from '../../src/cgroups/v2/io.js';

const FILES: Record<string, string> = {
  'cgroup.controllers': 'cpuset cpu io memory pids hugetlb rdma', 'cgroup.procs': '', 'cgroup.freeze': '0', 'cgroup.events': 'populated 0\nfrozen 0',
  'memory.max': 'max', 'memory.swap.max': 'max', 'memory.low': '0', 'memory.current': '8192', 'memory.swap.current': '0',
  'memory.stat': 'anon 4096\nfile 2048\n',
  'cpu.weight': '100', 'cpu.max': 'max 100000', 'cpu.max.burst': '0', 'cpu.idle': '0',
  'cpu.stat': 'usage_usec 10\nuser_usec 7\nsystem_usec 3\nnr_periods 4\nnr_throttled 1\nthrottled_usec 2\n',
  'cpuset.cpus': '', 'cpuset.mems': '', 'io.max': '', 'io.weight': 'default 100', 'io.stat': '254:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n',
  'pids.max': 'max', 'pids.current': '2', 'hugetlb.2MB.max': 'max', 'hugetlb.2MB.rsvd.max': 'max', 'hugetlb.2MB.current': '0',
  'hugetlb.2MB.events': 'max 3\n', 'rdma.max': '', 'memory.oom.group': '0',
};

function fakeDir(t: Test, files: Record<string, string> = FILES): { paths: Record<string, string>; read: (f: string) => string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'runts-cg-v2-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'c1');
  mkdirSync(dir);
  for (const [f, v] of Object.entries(files)) writeFileSync(join(dir, f), v);
  return { paths: { '': dir }, dir, read: (f) => readFileSync(join(dir, f), 'utf8') };
}

t.test('memory: swap is converted to swap alone; -1 is max; reservation is memory.low', async (t) => {
  const { paths, read } = fakeDir(t);
  const m = loadManager(paths, false);
  m.set({ memory: { limit: 100 << 20, swap: 300 << 20, reservation: 50 << 20, swappiness: 5, kernel: 1, disableOOMKiller: true } });
  t.equal(read('memory.max'), String(100 << 20));
  t.equal(read('memory.swap.max'), String(200 << 20));
  t.equal(read('memory.low'), String(50 << 20));
  m.set({ memory: { limit: 100 << 20, swap: 100 << 20 } });
  t.equal(read('memory.swap.max'), '0', 'swap == limit: no swap');
  m.set({ memory: { limit: -1 } });
  t.equal(read('memory.max'), 'max');
  t.equal(read('memory.swap.max'), 'max');
  t.throws(() => m.set({ memory: { swap: 100 } }), /set memory.swap.max in .*: unable to set swap limit without memory limit/);
  t.throws(() => m.set({ memory: { limit: 8192, checkBeforeUpdate: true } }), /rejecting memory limit 8192 <= usage 8192/);
});

t.test('cpu: shares -> weight, quota/period -> cpu.max, burst, idle; realtime is an error', async (t) => {
  const { paths, read } = fakeDir(t);
  const m = loadManager(paths, false);
  m.set({ cpu: { shares: 1024, quota: 50000, burst: 1000, idle: 0 } });
  t.equal(read('cpu.weight'), '100');
  t.equal(read('cpu.max'), '50000 100000', 'the default period');
  t.equal(read('cpu.max.burst'), '1000');
  t.equal(read('cpu.idle'), '0');
  m.set({ cpu: { quota: -1, period: 250000 } });
  t.equal(read('cpu.max'), 'max 250000');
  t.throws(() => m.set({ cpu: { realtimeRuntime: 1000 } }), /linux.resources.cpu.realtimeRuntime \(cpu.rt_runtime_us\): cgroup v2 has no realtime/);
});

t.test('io: io.weight converted, or io.bfq.weight as is; io.max', async (t) => {
  const { paths, read, dir } = fakeDir(t);
  const m = loadManager(paths, false);
  m.set({ blockIO: { weight: 500, throttleWriteBpsDevice: [{ major: 254, minor: 0, rate: 2097152 }] } });
  t.equal(read('io.weight'), '4950');
  t.equal(read('io.max'), '254:0 wbps=2097152');
  writeFileSync(join(dir, 'io.bfq.weight'), 'default 100\n');
  m.set({ blockIO: { weight: 500 } });
  t.equal(read('io.bfq.weight'), '500');
  writeFileSync(join(dir, 'io.bfq.weight'), 'default 500\n'); // what the kernel reads back
  m.set({ blockIO: { weightDevice: [{ major: 254, minor: 0, weight: 300 }] } });
  t.equal(read('io.bfq.weight'), '254:0 300', 'BFQ with per-device weights');
});

t.test('pids, hugetlb (with the reservation limit), rdma, cpuset', async (t) => {
  const { paths, read } = fakeDir(t);
  loadManager(paths, false).set({
    pids: { limit: 42 }, hugepageLimits: [{ pageSize: '2MB', limit: 2 << 20 }], rdma: { mlx4_0: { hcaObjects: 1000 } }, cpu: { cpus: '0', mems: '0' },
  });
  t.equal(read('pids.max'), '42');
  t.equal(read('hugetlb.2MB.max'), String(2 << 20));
  t.equal(read('hugetlb.2MB.rsvd.max'), String(2 << 20));
  t.equal(read('rdma.max'), 'mlx4_0 hca_object=1000');
  t.equal(read('cpuset.cpus'), '0');
});

t.test('unified: written as is; controller must be there; names must be file names', async (t) => {
  const { paths, read, dir } = fakeDir(t);
  const m = loadManager(paths, false);
  m.set({ unified: { 'memory.oom.group': '1', 'cgroup.procs': '' } });
  t.equal(read('memory.oom.group'), '1');
  t.throws(() => m.set({ unified: { 'misc.max': 'x 1' } }), new RegExp(`unified\\["misc.max"\\]: controller "misc" is not available in the cgroup v2 hierarchy \\(${dir}/cgroup.controllers`));
  t.throws(() => m.set({ unified: { '../x.max': '1' } }), /not a cgroup v2 file name/);
  t.throws(() => m.set({ unified: { 'memory.max/x': '1' } }), /not a cgroup v2 file name/);
  t.throws(() => m.set({ unified: { 'memory.nosuchfile': '1' } }), /set memory.nosuchfile to 1 in .*: no such file or directory/);
});

t.test('a controller missing from cgroup.controllers: the error names the v2 file', async (t) => {
  const { paths } = fakeDir(t, { ...FILES, 'cgroup.controllers': 'cpu' });
  const m = loadManager(paths, false);
  t.throws(() => m.set({ hugepageLimits: [{ pageSize: '2MB', limit: 1 }] }), /linux.resources.hugepageLimits \(hugetlb.2MB.max\): no hugetlb controller: not mounted as cgroup v1, and hugetlb is not in .*cgroup.controllers/);
  t.throws(() => m.set({ memory: { limit: 1 } }), /linux.resources.memory.limit \(memory.max\)/);
  t.throws(() => m.set({ network: { priorities: [{ name: 'lo', priority: 1 }] } }), /linux.resources.network.priorities \(net_prio.ifpriomap\)/);
  t.doesNotThrow(() => m.set({ memory: { kernel: 5, useHierarchy: true } }), 'settings v2 ignores ask nothing');
});

t.test('stats', async (t) => {
  const { paths } = fakeDir(t);
  const s = loadManager(paths, false).stats();
  t.same(s.cpu, { usage: { total: 10000, kernel: 3000, user: 7000 }, throttling: { periods: 4, throttledPeriods: 1, throttledTime: 2000 } });
  t.same(s.memory.usage, { limit: 18446744073709551615, usage: 8192, failcnt: 0 });
  t.same(s.memory.swap, { limit: 18446744073709551615, usage: 8192, failcnt: 0 }, 'memory+swap, as v1 memsw');
  t.equal(s.memory.cache, 2048, 'cache is "file"');
  t.same(s.pids, { current: 2 });
  t.same(s.blkio, { ioServiceBytesRecursive: [{ major: 254, op: 'Read', value: 4096 }, { major: 254, op: 'Write' }], ioServicedRecursive: [{ major: 254, op: 'Read', value: 1 }, { major: 254, op: 'Write' }] });
  t.same(s.hugetlb['2MB'], { failcnt: 3 });
});

t.test('io.stat parsing skips what it cannot map', async (t) => {
  const s = emptyStats();
  parseIoStat('8:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\nbogus line\n', s);
  t.same(s.blkio.ioServiceBytesRecursive.map((e) => e.value), [1, 2]);
  t.same(s.blkio.ioServicedRecursive.map((e) => e.value), [3, 4]);
});

t.test('OOM count from memory.events', async (t) => {
  const { paths } = fakeDir(t, { ...FILES, 'memory.events': 'low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\noom_group_kill 0\n' });
  t.equal(loadManager(paths, false).oomCount(), 1);
  t.equal(loadManager(fakeDir(t).paths, false).oomCount(), undefined, 'no memory.events');
});
