// The cgroups criu is told of (src/criu/cgroups.ts): the freezer a dump freezes through, the
// roots a restore re-roots the image's cgroups at, and a v1 host's cgroup binds as external mounts.
import t from 'tap';
import { cgroupRestoreMounts, cgroupRoots, freezeCgroup } from '../../src/criu/cgroups.js';
import type { Spec } from '../../src/spec/types.js';

const v2 = { '': '/sys/fs/cgroup/rtst-x' };
const v1 = {
  memory: '/sys/fs/cgroup/memory/rtst-x', cpu: '/sys/fs/cgroup/cpu,cpuacct/rtst-x', cpuacct: '/sys/fs/cgroup/cpu,cpuacct/rtst-x',
  freezer: '/sys/fs/cgroup/freezer/a/rtst-x', 'name=systemd': '/sys/fs/cgroup/systemd/rtst-x',
};
const hybrid = { ...v1, '': '/sys/fs/cgroup/unified/rtst-x' };
const spec = (s: Partial<Spec>): Spec => ({ ociVersion: '1.0.2', ...s } as Spec);
const cgroupMount = (destination: string) => ({ destination, type: 'cgroup', source: 'cgroup', options: ['ro'] });

t.test('freezeCgroup: v1 freezer, else cgroup2', async (t) => {
  t.equal(freezeCgroup(v1), '/sys/fs/cgroup/freezer/a/rtst-x');
  t.equal(freezeCgroup(v2), '/sys/fs/cgroup/rtst-x');
  t.equal(freezeCgroup({}), undefined);
});

t.test('cgroupRoots: roots in each hierarchy', async (t) => {
  t.same(cgroupRoots(v2), [{ path: '/rtst-x' }], 'cgroup2: no controller');
  const roots = cgroupRoots(hybrid);
  t.same(roots.find((r) => !r.ctrl), { path: '/rtst-x' }, 'hybrid: cgroup2 below unified/');
  t.same(roots.find((r) => r.ctrl === 'freezer'), { ctrl: 'freezer', path: '/a/rtst-x' });
  t.notOk(roots.some((r) => r.ctrl?.startsWith('name=')), 'named hierarchies have no root');
});

t.test('cgroupRestoreMounts: each v1 hierarchy once, bound from the new container\'s cgroup', async (t) => {
  const dflt = spec({ mounts: [cgroupMount('/sys/fs/cgroup')] });
  t.same(cgroupRestoreMounts(v2, dflt), [], 'none on cgroup2');
  t.same(cgroupRestoreMounts(v1, dflt), [
    { key: '/sys/fs/cgroup/memory', val: '/sys/fs/cgroup/memory/rtst-x' },
    { key: '/sys/fs/cgroup/cpu,cpuacct', val: '/sys/fs/cgroup/cpu,cpuacct/rtst-x' },
    { key: '/sys/fs/cgroup/freezer', val: '/sys/fs/cgroup/freezer/a/rtst-x' },
    { key: '/sys/fs/cgroup/systemd', val: '/sys/fs/cgroup/systemd/rtst-x' },
  ], 'keyed by their path in the container');
  t.same(cgroupRestoreMounts(hybrid, dflt).map((m) => m.key).includes('/sys/fs/cgroup/unified'), false, 'hybrid: cgroup2 is no bind');
  t.same(cgroupRestoreMounts(v1, spec({ mounts: [cgroupMount('/cg/')] })).map((m) => m.key)[0], '/cg/memory', 'at the spec\'s cgroup mount');
  t.same(cgroupRestoreMounts(v1, spec({ mounts: [] })), [], 'no cgroup mount, no binds');
  t.same(cgroupRestoreMounts(v1, spec({ mounts: [cgroupMount('/sys/fs/cgroup')], linux: { namespaces: [{ type: 'cgroup' }] } })), [],
    'a cgroup namespace: the hierarchies are mounted, not bound');
});
