// exec --cgroup's arguments (runc's format and texts) and the directories they resolve to.
import t from 'tap';
import { parseSubCgroups, subCgroupDirs } from '../../src/cgroups/sub.js';

t.test('parse: one path for cgroup2, controller lists for v1', async (t) => {
  t.same(parseSubCgroups([]), {});
  t.same(parseSubCgroups(['a/b']), { '': 'a/b' });
  t.same(parseSubCgroups(['cpu,cpuacct:x', 'pids:y']), { cpu: 'x', cpuacct: 'x', pids: 'y' });
  t.throws(() => parseSubCgroups(['a', 'pids:y']), /^invalid --cgroup argument: a \(missing <controller>: prefix\)$/);
  t.throws(() => parseSubCgroups([',cpu:x']), /^invalid --cgroup argument: ,cpu:x \(empty <controller> prefix\)$/);
  t.throws(() => parseSubCgroups(['cpu:x', 'cpu:y']), /^invalid --cgroup argument\(s\): controller cpu specified multiple times$/);
});

t.test('resolve: below the container\'s cgroups only', async (t) => {
  const dirs = { pids: '/sys/fs/cgroup/pids/c1', '': '/sys/fs/cgroup/unified/c1' };
  t.same(subCgroupDirs(dirs, { pids: 'x/y' }), { pids: '/sys/fs/cgroup/pids/c1/x/y', '': '/sys/fs/cgroup/unified/c1' });
  t.same(subCgroupDirs(dirs, { '': 'a/../b' }), { pids: '/sys/fs/cgroup/pids/c1', '': '/sys/fs/cgroup/unified/c1/b' });
  t.throws(() => subCgroupDirs(dirs, { pids: '../c2' }), /^\.\.\/c2 is not a sub cgroup path$/);
  t.throws(() => subCgroupDirs(dirs, { memory: 'x' }), /^unknown controller memory in SubCgroupPaths$/);
});
