// linux.resources read back from the container's cgroup files, in whichever hierarchy holds each
// controller on this host (v1, or the cgroup2 mount of a hybrid host, or pure v2); and what the
// host cannot apply fails create with an error naming the setting and the file, leaving no
// cgroup behind.
import t, { type Test } from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus as hostCpus } from 'node:os';
import { Harness, IS_RUNC, SYSTEMD_CGROUP, skipUnlessRoot } from '../lib/runtime.js';
import { cgroupRoots, controllerDir } from '../lib/host.js';
import { cgFile, createWith, existing, expectedDirs, skip, unifiedHas } from './cgroups-lib.js';

const MiB = 1 << 20;

/** The first whole disk of /proc/partitions (not loop, ram or zram): "major:minor". */
function rootDisk(): { major: number; minor: number; name: string } | undefined {
  for (const line of readFileSync('/proc/partitions', 'utf8').split('\n').slice(2)) {
    const [major, minor, , name] = line.trim().split(/\s+/);
    if (!name || /^(loop|ram|zram)/.test(name) || existsSync(`/sys/class/block/${name}/partition`)) continue;
    return { major: Number(major), minor: Number(minor), name };
  }
  return undefined;
}

/** The v1 file or its v2 counterpart, by the hierarchy that holds the controller for pid. */
const pick = (pid: number, ctrl: string, v1: string, v2: string) => (controllerDir(pid, ctrl)?.version === 2 ? v2 : v1);

/** Asserts that create failed, named what it must, and left no state and no cgroup. */
function assertRefused(t: Test, h: Harness, c: { id: string; r: { status: number | null; stderr: string } }, runts: RegExp, runc: RegExp): void {
  t.equal(c.r.status, 1, 'create fails');
  t.match(c.r.stderr, IS_RUNC ? runc : runts, 'the error names the setting and the file');
  t.equal(h.state(c.id), undefined, 'no container is left');
  t.same(existing(expectedDirs(c.id)), [], 'no cgroup is left in any hierarchy');
}

t.test('memory: limit, reservation, swap, swappiness, OOM killer, kernelTCP; kernel is ignored', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = createWith(h, {
    memory: { limit: 64 * MiB, reservation: 32 * MiB, swap: 128 * MiB, swappiness: 30, disableOOMKiller: true, kernelTCP: 16 * MiB, kernel: 8 * MiB },
  });
  t.equal(c.r.status, 0, c.r.stderr);
  const v2 = controllerDir(c.pid, 'memory')?.version === 2;
  t.equal(cgFile(c.pid, 'memory', v2 ? 'memory.max' : 'memory.limit_in_bytes'), String(64 * MiB), 'limit');
  t.equal(cgFile(c.pid, 'memory', v2 ? 'memory.low' : 'memory.soft_limit_in_bytes'), String(32 * MiB), 'reservation');
  const swapFile = v2 ? 'memory.swap.max' : 'memory.memsw.limit_in_bytes';
  if (cgFile(c.pid, 'memory', swapFile) === undefined) skip(t, `no ${swapFile}: the kernel has no swap accounting`);
  else t.equal(cgFile(c.pid, 'memory', swapFile), String(v2 ? 64 * MiB : 128 * MiB), 'swap (v2: swap alone, without memory)');
  if (!v2) {
    t.equal(cgFile(c.pid, 'memory', 'memory.swappiness'), '30', 'swappiness');
    t.match(cgFile(c.pid, 'memory', 'memory.oom_control'), /^oom_kill_disable 1$/m, 'OOM killer disabled');
    const tcp = cgFile(c.pid, 'memory', 'memory.kmem.tcp.limit_in_bytes');
    if (tcp === undefined) skip(t, 'the kernel has no memory.kmem.tcp.limit_in_bytes');
    else if (IS_RUNC) skip(t, 'runc 1.1.5 ignores kernelTCP (with kernel: "Kernel memory settings are ignored")');
    else t.equal(tcp, String(16 * MiB), 'kernelTCP');
  }
});

t.test('cpu: shares, CFS quota, period and burst, realtime, cpuset cpus and mems', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const cpus = hostCpus().length > 1 ? '1' : '0';
  const c = createWith(h, { cpu: { shares: 512, quota: 50000, period: 200000, burst: 10000, cpus, mems: '0' } });
  t.equal(c.r.status, 0, c.r.stderr);
  const v2 = controllerDir(c.pid, 'cpu')?.version === 2;
  if (v2) {
    // runc 1.1.5 converts linearly (20); runts uses runc's later quadratic in log2(shares) (59)
    t.equal(cgFile(c.pid, 'cpu', 'cpu.weight'), IS_RUNC ? '20' : '59', 'shares 512 as weight');
    t.equal(cgFile(c.pid, 'cpu', 'cpu.max'), '50000 200000', 'quota and period');
  } else {
    t.equal(cgFile(c.pid, 'cpu', 'cpu.shares'), '512', 'shares');
    t.equal(cgFile(c.pid, 'cpu', 'cpu.cfs_quota_us'), '50000', 'quota');
    t.equal(cgFile(c.pid, 'cpu', 'cpu.cfs_period_us'), '200000', 'period');
  }
  const burstFile = v2 ? 'cpu.max.burst' : 'cpu.cfs_burst_us';
  if (cgFile(c.pid, 'cpu', burstFile) === undefined) skip(t, `the kernel has no ${burstFile} (Linux < 5.14)`);
  else if (IS_RUNC) skip(t, 'runc 1.1.5 does not set cpu.burst (runc 1.2 does)');
  else t.equal(cgFile(c.pid, 'cpu', burstFile), '10000', 'burst');
  t.equal(cgFile(c.pid, 'cpuset', 'cpuset.cpus'), cpus, 'cpus');
  t.equal(cgFile(c.pid, 'cpuset', 'cpuset.mems'), '0', 'mems');
});

t.test('cpu: realtime runtime and period (v1 with CONFIG_RT_GROUP_SCHED)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const cpu = controllerDir(process.pid, 'cpu');
  if (cpu?.version !== 1 || !existsSync(`${cpu.dir}/cpu.rt_runtime_us`)) { skip(t, 'no v1 cpu.rt_runtime_us on this host'); return; }
  const c = createWith(h, { cpu: { realtimeRuntime: 5000, realtimePeriod: 100000 } });
  t.equal(c.r.status, 0, c.r.stderr);
  t.equal(cgFile(c.pid, 'cpu', 'cpu.rt_period_us'), '100000', 'realtimePeriod');
  t.equal(cgFile(c.pid, 'cpu', 'cpu.rt_runtime_us'), '5000', 'realtimeRuntime');
});

t.test('cpu: idle', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = createWith(h, { cpu: { idle: 1 } });
  const v2 = controllerDir(c.pid || process.pid, 'cpu')?.version === 2;
  if (c.r.status !== 0 && /cpu\.idle/.test(c.r.stderr)) { skip(t, 'the kernel has no cpu.idle (Linux < 5.15)'); return; }
  t.equal(c.r.status, 0, c.r.stderr);
  if (IS_RUNC) { skip(t, `runc 1.1.5 does not set cpu.idle (cpu on cgroup v${v2 ? 2 : 1}; on v2, in the systemd test VM, it stays 0)`); return; }
  t.equal(cgFile(c.pid, 'cpu', 'cpu.idle'), '1', `idle (cgroup v${v2 ? 2 : 1})`);
});

t.test('blockIO: weight where the host has the file, throttles on the root disk', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const disk = rootDisk();
  if (!disk) { skip(t, 'no block device in /proc/partitions'); return; }
  const dev = { major: disk.major, minor: disk.minor };
  const c = createWith(h, {
    blockIO: {
      throttleReadBpsDevice: [{ ...dev, rate: MiB }], throttleWriteBpsDevice: [{ ...dev, rate: 2 * MiB }],
      throttleReadIOPSDevice: [{ ...dev, rate: 100 }], throttleWriteIOPSDevice: [{ ...dev, rate: 200 }],
    },
  });
  t.equal(c.r.status, 0, c.r.stderr);
  const at = `${disk.major}:${disk.minor}`;
  const ctrl = controllerDir(c.pid, 'blkio') ? 'blkio' : 'io';
  if (ctrl === 'io') {
    t.match(cgFile(c.pid, 'io', 'io.max'), `${at} rbps=${MiB} wbps=${2 * MiB} riops=100 wiops=200`, 'io.max');
  } else {
    t.equal(cgFile(c.pid, 'blkio', 'blkio.throttle.read_bps_device'), `${at} ${MiB}`, 'read bps');
    t.equal(cgFile(c.pid, 'blkio', 'blkio.throttle.write_bps_device'), `${at} ${2 * MiB}`, 'write bps');
    t.equal(cgFile(c.pid, 'blkio', 'blkio.throttle.read_iops_device'), `${at} 100`, 'read iops');
    t.equal(cgFile(c.pid, 'blkio', 'blkio.throttle.write_iops_device'), `${at} 200`, 'write iops');
  }
  const weightFile = ['blkio.weight', 'blkio.bfq.weight', 'io.bfq.weight', 'io.weight'].find((f) => cgFile(c.pid, ctrl, f) !== undefined);
  if (!weightFile) { skip(t, 'no blkio weight file (neither CFQ nor BFQ)'); return; }
  const w = createWith(h, { blockIO: { weight: 300 } });
  t.equal(w.r.status, 0, w.r.stderr);
  const want = weightFile === 'io.weight' ? 'default 2930' : weightFile === 'io.bfq.weight' ? 'default 300' : '300';
  t.equal(cgFile(w.pid, ctrl, weightFile), want, `weight in ${weightFile}`);
});

t.test('blockIO: weightDevice needs BFQ on the device; leafWeight needs CFQ', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const disk = rootDisk();
  const blkio = controllerDir(process.pid, 'blkio');
  if (!disk || blkio?.version !== 1) { skip(t, 'needs a disk and the v1 blkio controller'); return; }
  const sched = readFileSync(`/sys/block/${disk.name}/queue/scheduler`, 'utf8');
  const c = createWith(h, { blockIO: { weightDevice: [{ major: disk.major, minor: disk.minor, weight: 200 }] } });
  if (/\[bfq\]/.test(sched)) {
    t.equal(c.r.status, 0, c.r.stderr);
    t.match(cgFile(c.pid, 'blkio', 'blkio.bfq.weight_device'), `${disk.major}:${disk.minor} 200`);
  } else {
    // The device's scheduler is not BFQ: where BFQ exists for other devices the kernel refuses
    // the write (EOPNOTSUPP); where no scheduler offers weights the file is missing, and runts
    // says the host does not support it (runc 1.1.5 reports the missing file).
    const noWeights = !existsSync(`${blkio.dir}/blkio.bfq.weight`) && !existsSync(`${blkio.dir}/blkio.weight`);
    t.comment(`${disk.name} uses ${/\[(\w+)\]/.exec(sched)?.[1]}, not BFQ: its per-device weight cannot be set`);
    assertRefused(t, h, c, noWeights ? /blockIO\.weightDevice.*weight_device.*not supported by this host/ : /blockIO\.weightDevice.*weight_device.*not supported/,
      noWeights ? /weight_device: no such file or directory/ : /weight_device: operation not supported/);
  }
  if (existsSync(`${blkio.dir}/blkio.leaf_weight`)) { skip(t, 'the host has blkio.leaf_weight (CFQ)'); return; }
  assertRefused(t, h, createWith(h, { blockIO: { leafWeight: 200 } }), /blockIO\.leafWeight.*blkio\.leaf_weight/, /blkio\.leaf_weight: no such file/);
});

t.test('hugepageLimits, in whichever hierarchy holds hugetlb', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const sizes = readdirSync('/sys/kernel/mm/hugepages').map((d) => /^hugepages-(\d+)kB$/.exec(d)?.[1]).filter(Boolean).map(Number);
  const where = controllerDir(process.pid, 'hugetlb');
  if (!sizes.includes(2048) || !where) { skip(t, 'no 2 MB huge pages or no hugetlb controller'); return; }
  if (IS_RUNC && where.version === 2 && controllerDir(process.pid, 'memory')?.version === 1) {
    skip(t, 'runc 1.1.5 on a hybrid host uses v1 controllers only: "cannot set hugetlb limit: container could not join or create cgroup"');
    return;
  }
  const c = createWith(h, { hugepageLimits: [{ pageSize: '2MB', limit: 4 * MiB }] });
  t.equal(c.r.status, 0, c.r.stderr);
  const file = pick(c.pid, 'hugetlb', 'hugetlb.2MB.limit_in_bytes', 'hugetlb.2MB.max');
  t.equal(cgFile(c.pid, 'hugetlb', file), String(4 * MiB), `${file} (cgroup v${where.version})`);
});

t.test('pids: a limit, and -1 as no limit', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = createWith(h, { pids: { limit: 42 } });
  t.equal(c.r.status, 0, c.r.stderr);
  t.equal(cgFile(c.pid, 'pids', 'pids.max'), '42');
  const d = createWith(h, { pids: { limit: -1 } });
  t.equal(d.r.status, 0, d.r.stderr);
  t.equal(cgFile(d.pid, 'pids', 'pids.max'), 'max');
});

t.test('network: classID and priorities where net_cls and net_prio are mounted', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  if (IS_RUNC && !cgroupRoots().some((r) => r.fstype === 'cgroup')) { skip(t, 'runc 1.1.5 ignores network.classID and priorities on a pure cgroup v2 host (no net_cls, net_prio): create succeeds'); return; }
  const cls = createWith(h, { network: { classID: 0x100001 } });
  if (controllerDir(process.pid, 'net_cls')) {
    t.equal(cls.r.status, 0, cls.r.stderr);
    t.equal(cgFile(cls.pid, 'net_cls', 'net_cls.classid'), String(0x100001));
  } else {
    t.comment('net_cls is not mounted on this host');
    assertRefused(t, h, cls, /network\.classID.*net_cls\.classid/, /cannot set net_cls limit/);
  }
  const prio = createWith(h, { network: { priorities: [{ name: 'lo', priority: 5 }] } });
  if (controllerDir(process.pid, 'net_prio')) {
    t.equal(prio.r.status, 0, prio.r.stderr);
    t.match(cgFile(prio.pid, 'net_prio', 'net_prio.ifpriomap'), /^lo 5$/m);
  } else {
    t.comment('net_prio is not mounted on this host');
    assertRefused(t, h, prio, /network\.priorities.*net_prio\.ifpriomap/, /cannot set net_prio limit/);
  }
});

t.test('rdma: refused where the host has no rdma controller', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  if (controllerDir(process.pid, 'rdma') || unifiedHas('rdma')) { skip(t, 'the host has rdma (and setting it needs an RDMA device)'); return; }
  assertRefused(t, h, createWith(h, { rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 100 } } }), /linux\.resources\.rdma.*rdma\.max/, /cannot set rdma limit/);
});

t.test('unified: raw cgroup v2 files on the cgroup2 hierarchy', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  if (!cgroupRoots().some((r) => r.fstype === 'cgroup2')) { skip(t, 'no cgroup2 mount'); return; }
  if (IS_RUNC && cgroupRoots().some((r) => r.fstype === 'cgroup')) { skip(t, 'runc 1.1.5 refuses unified on a v1 or hybrid host: "cannot use unified on cgroup v1"'); return; }
  const unified: Record<string, string> = { 'cgroup.max.descendants': '3' };
  if (SYSTEMD_CGROUP && cgroupRoots().some((r) => r.fstype === 'cgroup')) {
    t.comment('the systemd driver on a v1 or hybrid host refuses unified, as runc\'s does');
    assertRefused(t, h, createWith(h, { unified }), /unified.*cgroup v1.*systemd/, /cannot use unified on cgroup v1/);
    return;
  }
  if (unifiedHas('hugetlb') && existsSync('/sys/kernel/mm/hugepages/hugepages-2048kB')) unified['hugetlb.2MB.max'] = String(6 * MiB);
  const c = createWith(h, { unified });
  t.equal(c.r.status, 0, c.r.stderr);
  const dir = expectedDirs(c.id)[''];
  for (const [k, v] of Object.entries(unified)) t.equal(readFileSync(`${dir}/${k}`, 'utf8').trim(), v, k);
  const missing = ['memory', 'pids', 'io', 'cpu'].find((x) => !unifiedHas(x));
  if (!missing) { skip(t, 'every controller is on cgroup v2'); return; }
  const key = `${missing}.max`;
  assertRefused(t, h, createWith(h, { unified: { [key]: '1000000' } }), new RegExp(`unified\\["${key.replace('.', '\\.')}"\\].*cgroup\\.controllers`), /./);
});
