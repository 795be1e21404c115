// The v1 hierarchies the Node init binds into a container's /sys/fs/cgroup: one per hierarchy,
// the first mount of each (a hierarchy mounted again in another container's rootfs, which a
// shared rootfsPropagation shows on the host, is not taken).
import t from 'tap';
import { v1Mounts } from '../../src/init/rootfs/cgroup-mount.js';

const line = (id: number, root: string, mp: string, opts: string) =>
  `${id} 25 0:${id} ${root} ${mp} rw,nosuid,nodev,noexec,relatime shared:${id} - cgroup cgroup rw,${opts}`;

t.test('the first mount of each hierarchy', async (t) => {
  const known = new Map([['cpu', '/c1'], ['cpuacct', '/c1'], ['pids', '/c1'], ['name=systemd', '/c1']]);
  const mountinfo = [
    '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
    line(30, '/', '/sys/fs/cgroup/cpu,cpuacct', 'cpu,cpuacct'),
    line(31, '/', '/sys/fs/cgroup/pids', 'pids'),
    line(32, '/', '/sys/fs/cgroup/systemd', 'xattr,name=systemd'),
    line(33, '/other', '/tmp/b/rootfs/sys/fs/cgroup/cpu,cpuacct', 'cpu,cpuacct'),
    line(34, '/', '/tmp/b/rootfs/sys/fs/cgroup/pids', 'pids'),
    line(35, '/', '/sys/fs/cgroup/net_cls', 'net_cls'),
  ].join('\n');
  t.same(v1Mounts(known, mountinfo), [
    { root: '/', mountpoint: '/sys/fs/cgroup/cpu,cpuacct', subsystems: ['cpu', 'cpuacct'] },
    { root: '/', mountpoint: '/sys/fs/cgroup/pids', subsystems: ['pids'] },
    { root: '/', mountpoint: '/sys/fs/cgroup/systemd', subsystems: ['name=systemd'] },
  ]);
});
