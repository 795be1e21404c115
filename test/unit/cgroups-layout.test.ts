// Layout detection from mountinfo, /proc/cgroups and /proc/self/cgroup texts; cgroupsPath resolution.
import t from 'tap';
import { buildLayout, hugePageSizeName, parseMountinfo, parseProcCgroups, parseSelfCgroup, type LayoutSources } from '../../src/cgroups/layout.js';
import { cleanPath, innerPath, resolvePaths } from '../../src/cgroups/paths.js';

const HYBRID_MOUNTS = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd,release_agent=/x
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
50 23 0:40 / /mnt/with\\040space rw - ext4 /dev/vda rw`;

const PROC_CGROUPS = `#subsys_name\thierarchy\tnum_cgroups\tenabled
cpuset\t3\t1\t1
cpu\t1\t1\t1
cpuacct\t1\t1\t1
memory\t4\t22\t1
devices\t5\t1\t1
hugetlb\t0\t1\t1
rdma\t0\t1\t0`;

const SELF = `9:name=systemd:/
5:devices:/
4:memory:/process_api/abc
3:cpuset:/
1:cpu,cpuacct:/user
0::/user.slice/session-1.scope`;

function sources(over: Partial<LayoutSources> = {}): LayoutSources {
  return {
    mountinfo: HYBRID_MOUNTS, procCgroups: PROC_CGROUPS, selfCgroup: SELF,
    read: (p) => (p.endsWith('cgroup.controllers') ? 'hugetlb\n' : p.endsWith('features') ? 'nsdelegate\nmemory_localevents\n' : undefined),
    exists: (p) => p.endsWith('memory.memsw.limit_in_bytes'),
    hugepageDirs: ['hugepages-2048kB', 'hugepages-1048576kB', 'hugepages-64kB', 'other'], kernel: '6.1.0-18-amd64',
    ...over,
  };
}

t.test('mountinfo: cgroup mounts, super options, escaped mountpoints', async (t) => {
  const m = parseMountinfo(HYBRID_MOUNTS);
  t.equal(m.length, 8);
  t.same(m[1], {
    id: 32, parent: 31, root: '/', mountpoint: '/sys/fs/cgroup/cpu,cpuacct', options: ['rw', 'relatime'], optional: [],
    fstype: 'cgroup', source: 'cgroup', superOptions: ['rw', 'cpu', 'cpuacct'],
  });
  t.equal(m[7].mountpoint, '/mnt/with space');
});

t.test('/proc/cgroups and /proc/self/cgroup', async (t) => {
  t.same(parseProcCgroups(PROC_CGROUPS), ['cpuset', 'cpu', 'cpuacct', 'memory', 'devices', 'hugetlb'], 'rdma is disabled');
  t.same(parseSelfCgroup(SELF), { 'name=systemd': '/', devices: '/', memory: '/process_api/abc', cpuset: '/', cpu: '/user', cpuacct: '/user', '': '/user.slice/session-1.scope' });
});

t.test('hybrid layout', async (t) => {
  const l = buildLayout(sources());
  t.equal(l.mode, 'hybrid');
  t.same(Object.keys(l.v1).sort(), ['cpu', 'cpuacct', 'cpuset', 'devices', 'memory', 'name=systemd']);
  t.equal(l.v1.cpuacct.mountpoint, '/sys/fs/cgroup/cpu,cpuacct', 'co-mounted controllers share a mount');
  t.same(l.v2, { mountpoint: '/sys/fs/cgroup/unified', root: '/', controllers: ['hugetlb'] });
  t.same(l.features, {
    kernel: '6.1.0-18-amd64', cgroupKill: true, memsw: true, kmem: false,
    cgroupFeatures: ['nsdelegate', 'memory_localevents'], hugePageSizes: ['2MB', '1GB', '64KB'],
  });
});

t.test('pure v2 and pure v1 layouts', async (t) => {
  const v2 = buildLayout(sources({
    mountinfo: '30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate', kernel: '5.10.0',
    read: (p) => (p === '/sys/fs/cgroup/cgroup.controllers' ? 'cpuset cpu io memory pids' : undefined),
  }));
  t.equal(v2.mode, 'v2');
  t.same(v2.v2?.controllers, ['cpuset', 'cpu', 'io', 'memory', 'pids']);
  t.equal(v2.features.cgroupKill, false, 'cgroup.kill needs Linux 5.14');
  const v1 = buildLayout(sources({ mountinfo: HYBRID_MOUNTS.split('\n').filter((l) => !l.includes('cgroup2')).join('\n') }));
  t.equal(v1.mode, 'v1');
  t.equal(v1.v2, undefined);
  t.throws(() => buildLayout(sources({ mountinfo: '' })), /no cgroup filesystem/);
});

t.test('controllers are recognised without /proc/cgroups', async (t) => {
  const l = buildLayout(sources({ procCgroups: '' }));
  t.ok(l.v1.memory && l.v1.cpu && l.v1['name=systemd']);
  t.notOk(l.v1.clone_children, 'mount options are not controllers');
});

t.test('huge page size names', async (t) => {
  t.equal(hugePageSizeName('hugepages-2048kB'), '2MB');
  t.equal(hugePageSizeName('hugepages-1048576kB'), '1GB');
  t.equal(hugePageSizeName('hugepages-64kB'), '64KB');
  t.equal(hugePageSizeName('hugepages-16384kB'), '16MB');
  t.equal(hugePageSizeName('nonsense'), undefined);
});

t.test('cleanPath never climbs out', async (t) => {
  t.equal(cleanPath(''), '');
  t.equal(cleanPath('/a/b/'), '/a/b');
  t.equal(cleanPath('/../../a'), '/a');
  t.equal(cleanPath('../../a/../b'), 'b');
  t.equal(cleanPath('a//b/./c'), 'a/b/c');
  t.equal(cleanPath('..'), '.');
});

t.test('innerPath: cgroupsPath, or the id as a relative path (as runc)', async (t) => {
  t.equal(innerPath('c1', '/default/c1'), '/default/c1');
  t.equal(innerPath('c1', 'machine/c1'), 'machine/c1');
  t.equal(innerPath('c1'), 'c1');
  t.throws(() => innerPath('c1', '/'), /names the root cgroup/);
  t.throws(() => innerPath('c1', '..'), /names the root cgroup/);
});

t.test('resolvePaths: absolute, relative, missing; mount roots; v2 below the parent of our cgroup', async (t) => {
  const l = buildLayout(sources());
  const abs = resolvePaths(l, '/default/c1');
  t.same(abs, {
    cpuset: '/sys/fs/cgroup/cpuset/default/c1', devices: '/sys/fs/cgroup/devices/default/c1',
    memory: '/sys/fs/cgroup/memory/default/c1', cpu: '/sys/fs/cgroup/cpu,cpuacct/default/c1',
    cpuacct: '/sys/fs/cgroup/cpu,cpuacct/default/c1', 'name=systemd': '/sys/fs/cgroup/systemd/default/c1',
    '': '/sys/fs/cgroup/unified/default/c1',
  });
  const rel = resolvePaths(l, 'c1');
  t.equal(rel.memory, '/sys/fs/cgroup/memory/process_api/abc/c1', 'v1: below our own cgroup');
  t.equal(rel.cpu, '/sys/fs/cgroup/cpu,cpuacct/user/c1');
  t.equal(rel[''], '/sys/fs/cgroup/unified/user.slice/c1', 'v2: below the parent of our own cgroup');
  const ns = buildLayout(sources({
    mountinfo: '35 31 0:32 /process_api /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
    selfCgroup: '4:memory:/process_api/abc',
  }));
  t.equal(resolvePaths(ns, 'c1').memory, '/sys/fs/cgroup/memory/abc/c1', 'the mount root is cut off our own path');
});
