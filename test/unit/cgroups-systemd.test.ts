// The systemd driver's pure parts: cgroupsPath parsing, slice expansion, the unit's directories,
// resources -> unit properties (v1 and v2) and device rules -> DevicePolicy/DeviceAllow, with the
// values runc 1.1's driver produces for the same input (libcontainer/cgroups/systemd).
import t from 'tap';
import { completeTypes } from '../../src/linux/dbus-signature.js';
import { expandSlice, parseSystemdPath, unitCgroupPath } from '../../src/cgroups/systemd/unit-name.js';
import { unitDirs } from '../../src/cgroups/systemd/paths.js';
import { cpuQuotaProperties, rangeToBits, unifiedProperties, v1Properties, v2Properties, type Property } from '../../src/cgroups/systemd/properties.js';
import { deviceGroup, deviceProperties } from '../../src/cgroups/systemd/device-properties.js';
import { unitProperties } from '../../src/cgroups/systemd/unit-properties.js';
import { annotationProperties, parseVariant } from '../../src/cgroups/systemd/annotations.js';
import { deviceRules } from '../../src/cgroups/route.js';
import type { CgroupLayout } from '../../src/cgroups/types.js';

const MAX = (1n << 64n) - 1n;
const v252 = () => 252;
/** name -> value, in order; repeated names keep every value. */
const flat = (p: Property[]) => p.map((x) => [x.name, x.value.value]);

t.test('cgroupsPath "slice:prefix:name"', async (t) => {
  t.same(parseSystemdPath('c1'), { parent: '', unit: 'runts-c1.scope', name: 'c1' }, 'no cgroupsPath: runts-<id>.scope in system.slice (runc: runc-<id>.scope)');
  t.same(parseSystemdPath('c1', 'system.slice:docker:abc'), { parent: 'system.slice', unit: 'docker-abc.scope', name: 'abc' });
  t.same(parseSystemdPath('c1', ':cri-containerd:abc'), { parent: '', unit: 'cri-containerd-abc.scope', name: 'abc' });
  t.same(parseSystemdPath('c1', 'kubepods.slice:x:kubepods-pod1.slice'), { parent: 'kubepods.slice', unit: 'kubepods-pod1.slice', name: 'kubepods-pod1.slice' }, 'a name ending in .slice is a slice unit');
  t.same(parseSystemdPath('c1', 'a.slice::n').unit, '-n.scope', 'an empty prefix, as runc');
  for (const bad of ['a:b', 'a:b:c:d', '/x/y']) {
    t.throws(() => parseSystemdPath('c1', bad), { message: `cgroup: expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got ${JSON.stringify(bad)} instead` });
  }
  t.throws(() => parseSystemdPath('c1', 'system.slice:p:../../x'), /invalid systemd unit or slice name/);
});

t.test('slice expansion (runc ExpandSlice)', async (t) => {
  t.equal(expandSlice('system.slice'), '/system.slice');
  t.equal(expandSlice('a-b-c.slice'), '/a.slice/a-b.slice/a-b-c.slice');
  t.equal(expandSlice('-.slice'), '/');
  for (const bad of ['system', '.slice', 'a--b.slice', '-a.slice', 'a-.slice', 'a/b.slice']) t.throws(() => expandSlice(bad), { message: `cgroup: invalid slice name: ${bad}` }, bad);
  t.equal(unitCgroupPath(parseSystemdPath('c1')), '/system.slice/runts-c1.scope');
  t.equal(unitCgroupPath(parseSystemdPath('c1', 'machine-a.slice:p:n')), '/machine.slice/machine-a.slice/p-n.scope');
  t.equal(unitCgroupPath(parseSystemdPath('c1', '-.slice:p:n')), '/p-n.scope');
  t.equal(unitCgroupPath(parseSystemdPath('c1', 'a.slice:p:a-b.slice')), '/a.slice/a-b.slice');
});

const features = { kernel: '6.1', cgroupKill: true, memsw: false, kmem: false, cgroupFeatures: [], hugePageSizes: [] };

t.test("the unit's directories", async (t) => {
  const v2: CgroupLayout = { mode: 'v2', v1: {}, v2: { mountpoint: '/sys/fs/cgroup', root: '/', controllers: [] }, enabled: [], own: {}, features };
  t.same(unitDirs(v2, '/system.slice/x.scope', { '': '/init.scope' }), { '': '/sys/fs/cgroup/system.slice/x.scope' });
  const hybrid: CgroupLayout = {
    mode: 'hybrid', enabled: [], own: {}, features,
    v1: { memory: { mountpoint: '/sys/fs/cgroup/memory', root: '/' }, cpuset: { mountpoint: '/sys/fs/cgroup/cpuset', root: '/' }, 'name=systemd': { mountpoint: '/sys/fs/cgroup/systemd', root: '/' } },
    v2: { mountpoint: '/sys/fs/cgroup/unified', root: '/', controllers: [] },
  };
  t.same(unitDirs(hybrid, '/system.slice/x.scope', { memory: '/', cpuset: '/', 'name=systemd': '/init.scope', '': '/init.scope' }), {
    cpuset: '/sys/fs/cgroup/cpuset/system.slice/x.scope', memory: '/sys/fs/cgroup/memory/system.slice/x.scope',
    'name=systemd': '/sys/fs/cgroup/systemd/system.slice/x.scope', '': '/sys/fs/cgroup/unified/system.slice/x.scope',
  }, "PID 1's init.scope is left out, as runc");
});

t.test('unit properties at create', async (t) => {
  t.same(flat(unitProperties(parseSystemdPath('c1', 'system.slice:docker:abc'), 42, true)), [
    ['Description', 'runts container abc'], ['Slice', 'system.slice'], ['Delegate', true], ['PIDs', [42]],
    ['MemoryAccounting', true], ['CPUAccounting', true], ['IOAccounting', true], ['TasksAccounting', true], ['DefaultDependencies', false],
  ]);
  const slice = flat(unitProperties(parseSystemdPath('c1', 'kubepods.slice:x:kubepods-pod1.slice'), 42, false));
  t.same(slice.slice(0, 2), [['Description', 'runts container kubepods-pod1.slice'], ['Wants', ['kubepods.slice']]], 'a slice: Wants= its parent, no Delegate');
  t.ok(slice.some(([n]) => n === 'BlockIOAccounting'), 'v1: BlockIOAccounting');
  t.same(unitProperties(parseSystemdPath('c1'), 42, true)[1].value, { sig: 's', value: 'system.slice' });
});

t.test('CPU quota (addCpuQuota)', async (t) => {
  t.same(flat(cpuQuotaProperties(50000, 100000, v252)), [['CPUQuotaPeriodUSec', 100000n], ['CPUQuotaPerSecUSec', 500000n]]);
  t.same(flat(cpuQuotaProperties(12345, 100000, v252)), [['CPUQuotaPeriodUSec', 100000n], ['CPUQuotaPerSecUSec', 130000n]], 'rounded up to 1% of a CPU');
  t.same(flat(cpuQuotaProperties(50000, 0, v252)), [['CPUQuotaPerSecUSec', 500000n]], 'the default period');
  t.same(flat(cpuQuotaProperties(-1, 0, v252)), [['CPUQuotaPerSecUSec', MAX]], 'unlimited');
  t.same(flat(cpuQuotaProperties(0, 50000, v252)), [['CPUQuotaPeriodUSec', 50000n], ['CPUQuotaPerSecUSec', MAX]], 'a period alone: unlimited quota, as runc');
  t.same(flat(cpuQuotaProperties(50000, 100000, () => 241)), [['CPUQuotaPerSecUSec', 500000n]], 'no CPUQuotaPeriodUSec before systemd 242');
  t.same(cpuQuotaProperties(0, 0, () => { throw new Error('not asked'); }), [], 'nothing set, no version asked');
});

t.test('cpusets as bitmasks (RangeToBits)', async (t) => {
  t.same(rangeToBits('0-3,8'), [0x0f, 0x01]);
  t.same(rangeToBits('7'), [0x80]);
  t.same(rangeToBits(' 1 , 2 ,'), [0x06]);
  t.same(rangeToBits('0-15'), [0xff, 0xff]);
  for (const bad of ['', ',', '3-1', 'a', '-1']) t.throws(() => rangeToBits(bad), bad);
});

t.test('v2 resources -> properties', async (t) => {
  t.same(flat(v2Properties({
    memory: { limit: 1 << 20, reservation: 1 << 19, swap: 3 << 20 }, cpu: { shares: 1024, quota: 50000, period: 100000, cpus: '0-1', mems: '0' }, pids: { limit: 100 },
  }, v252)), [
    ['MemoryMax', 1048576n], ['MemoryLow', 524288n], ['MemorySwapMax', 2097152n], ['CPUWeight', 100n],
    ['CPUQuotaPeriodUSec', 100000n], ['CPUQuotaPerSecUSec', 500000n], ['TasksMax', 100n], ['AllowedCPUs', [3]], ['AllowedMemoryNodes', [1]],
  ]);
  t.same(flat(v2Properties({ memory: { limit: -1 }, pids: { limit: -1 } }, v252)), [['MemoryMax', MAX], ['MemorySwapMax', MAX], ['TasksMax', MAX]], 'unlimited memory and swap, as runc');
  t.same(flat(v2Properties({ pids: { limit: 0 }, cpu: { cpus: '0' } }, () => 243)), [], 'pids 0 is unset; no AllowedCPUs before systemd 244');
  t.throws(() => v2Properties({ memory: { swap: 100 } }, v252), /linux.resources.memory.swap: unable to set swap limit without memory limit/);
  t.same(v2Properties({}, () => { throw new Error('not asked'); }), []);
});

t.test('unified -> properties', async (t) => {
  t.same(flat(unifiedProperties({ 'memory.high': '1000', 'memory.min': ' max ', 'pids.max': 'max', 'cpu.max': '50000 100000', 'cpu.weight': '50', 'io.weight': '100', 'cpuset.cpus': '1' }, v252)), [
    ['MemoryHigh', 1000n], ['MemoryMin', MAX], ['TasksMax', MAX], ['CPUQuotaPeriodUSec', 100000n], ['CPUQuotaPerSecUSec', 500000n], ['CPUWeight', 50n], ['AllowedCPUs', [2]],
  ], 'io.weight has no property: a file only');
  t.same(flat(unifiedProperties({ 'cpu.max': 'max' }, v252)), [['CPUQuotaPeriodUSec', 100000n], ['CPUQuotaPerSecUSec', MAX]]);
  t.throws(() => unifiedProperties({ 'a/b.c': '1' }, v252), /must be a file name/);
  t.throws(() => unifiedProperties({ foo: '1' }, v252), /CONTROLLER.PARAMETER/);
  t.throws(() => unifiedProperties({ 'memory.max': '1k' }, v252), /conversion error/);
  t.throws(() => unifiedProperties({ 'cpu.max': '1 2 3' }, v252), /value invalid/);
});

t.test('v1 resources -> properties', async (t) => {
  t.same(flat(v1Properties({
    memory: { limit: 1 << 20, reservation: 1 << 19 }, cpu: { shares: 512, quota: 20000, period: 100000 }, blockIO: { weight: 300 }, pids: { limit: 10 },
  }, v252)), [['MemoryLimit', 1048576n], ['CPUShares', 512n], ['CPUQuotaPeriodUSec', 100000n], ['CPUQuotaPerSecUSec', 200000n], ['BlockIOWeight', 300n], ['TasksMax', 10n]],
  'no MemoryLow on v1 (a file only), as runc');
  t.throws(() => v1Properties({ unified: { 'memory.max': '1' } }, v252), /cannot use unified on cgroup v1/);
});

const PROC_DEVICES = `Character devices:
  1 mem
  5 /dev/tty
136 pts
 10 misc

Block devices:
  8 sd
`;

function host(present: string[]) {
  return { procDevices: () => PROC_DEVICES, exists: (p: string) => present.includes(p) };
}

t.test('device rules -> DevicePolicy/DeviceAllow (generateDeviceProperties)', async (t) => {
  const all = ['/dev/char/1:3', '/dev/char/1:8', '/dev/char/1:7', '/dev/char/5:0', '/dev/char/1:5', '/dev/char/1:9', '/dev/char/5:2', '/sys/dev/char/10:200'];
  t.same(flat(deviceProperties(deviceRules({}), host(all))), [
    ['DevicePolicy', 'strict'], ['DeviceAllow', []], ['DeviceAllow', [
      ['block-*', 'm'], ['char-*', 'm'], ['/dev/char/1:3', 'rwm'], ['/dev/char/1:5', 'rwm'], ['/dev/char/1:7', 'rwm'], ['/dev/char/1:8', 'rwm'],
      ['/dev/char/1:9', 'rwm'], ['/dev/char/5:0', 'rwm'], ['/dev/char/5:2', 'rwm'], ['/dev/char/10:200', 'rwm'], ['char-pts', 'rwm'],
    ]],
  ], "runc's default rules; a node only /sys/dev knows is kept");
  const missing = flat(deviceProperties(deviceRules({}), host([])))[2][1] as [string, string][];
  t.notOk(missing.some(([p]) => p.startsWith('/dev/')), 'nodes that exist nowhere are left to the cgroup files');
  t.same(flat(deviceProperties([{ allow: true, type: 'a', major: -1, minor: -1, access: 'rwm' }, ...deviceRules({})], host(all))),
    [['DevicePolicy', 'auto'], ['DeviceAllow', []]], 'allow everything');
  t.same(flat(deviceProperties([{ allow: true, type: 'a', major: -1, minor: -1, access: 'rwm' }, { allow: false, type: 'c', major: 1, minor: 3, access: 'rwm' }], host(all))),
    [['DevicePolicy', 'strict'], ['DeviceAllow', []]], 'a deny list cannot be said to systemd: strict, the files do the rest');
  const odd = flat(deviceProperties([{ allow: true, type: 'c', major: -1, minor: 3, access: 'r' }, { allow: true, type: 'c', major: 99, minor: -1, access: 'r' }, { allow: true, type: 'b', major: 8, minor: -1, access: 'rw' }], host(all)));
  t.same(odd[2][1], [['block-sd', 'rw']], '*:n and a major /proc/devices does not name are skipped');
  t.equal(deviceGroup(PROC_DEVICES, 'c', 5), 'char-/dev/tty');
  t.equal(deviceGroup(PROC_DEVICES, 'b', 1), undefined);
});

t.test('D-Bus signatures', async (t) => {
  t.same(completeTypes('ssa(sv)a(sa(sv))'), ['s', 's', 'a(sv)', 'a(sa(sv))']);
  t.same(completeTypes('a{sv}iay'), ['a{sv}', 'i', 'ay']);
  t.same(completeTypes(''), []);
  t.throws(() => completeTypes('(s'), /unclosed/);
  t.throws(() => completeTypes('a'), /incomplete/);
});

t.test('org.systemd.property.* annotations (runc initSystemdProps)', async (t) => {
  t.same(parseVariant('true'), { sig: 'b', value: true });
  t.same(parseVariant("'inactive-or-failed'"), { sig: 's', value: 'inactive-or-failed' });
  t.same(parseVariant('"a\\"b"'), { sig: 's', value: 'a"b' });
  t.same(parseVariant('42'), { sig: 'i', value: 42 }, 'a bare integer is int32, as GVariant');
  t.same(parseVariant('uint64 123'), { sig: 't', value: 123n });
  t.same(parseVariant('@u 7'), { sig: 'u', value: 7 });
  t.same(parseVariant('1.5'), { sig: 'd', value: 1.5 });
  t.same(parseVariant("['a.service', 'b.service']"), { sig: 'as', value: ['a.service', 'b.service'] });
  t.throws(() => parseVariant('{1: 2}'), /unsupported GVariant text/);
  t.same(flat(annotationProperties({
    'org.systemd.property.CollectMode': "'inactive-or-failed'", 'org.systemd.property.TimeoutStopSec': 'uint64 30', 'other': 'x',
    'org.systemd.property.RuntimeMaxSec': '2.5',
  })), [['CollectMode', 'inactive-or-failed'], ['TimeoutStopUSec', 30000000n], ['RuntimeMaxUSec', 2500000n]], 'Sec becomes USec in microseconds');
  t.same(flat(annotationProperties({ 'org.systemd.property.TimeoutStopUSec': 'uint64 5' })), [['TimeoutStopUSec', 5n]]);
  t.throws(() => annotationProperties({ 'org.systemd.property.ab': '1' }), { message: 'cgroup: annotation org.systemd.property.ab name incorrect: too short' });
  t.throws(() => annotationProperties({ 'org.systemd.property.Foo1': '1' }), /name incorrect: contains non-alphabetic character/);
  t.throws(() => annotationProperties({ 'org.systemd.property.TimeoutStopSec': "'x'" }), /TimeoutStopSec='x' value parse error: not a number/);
});
