// linux.mountLabel's mount data (src/init/rootfs/label.ts): a context= option for the
// filesystems runc labels, none for those it does not; a label that would break the data refused.
import t from 'tap';
import { labelledData } from '../../src/init/rootfs/label.js';
import type { Ctx } from '../../src/init/rootfs/plan.js';

const ctx = (mountLabel?: string) => ({ plan: { spec: { linux: { mountLabel } } } }) as unknown as Ctx;
const LABEL = 'system_u:object_r:container_file_t:s0:c1,c2';

t.test('labelled filesystems get context="LABEL" after their data', async (t) => {
  t.equal(labelledData(ctx(LABEL), 'tmpfs', 'mode=755'), `mode=755,context="${LABEL}"`);
  t.equal(labelledData(ctx(LABEL), 'devpts', ''), `context="${LABEL}"`);
});

t.test('proc, sysfs, cgroups, mqueue and binds are left alone, as in runc', async (t) => {
  for (const type of ['proc', 'sysfs', 'cgroup', 'cgroup2', 'mqueue', 'bind']) t.equal(labelledData(ctx(LABEL), type, 'x=1'), 'x=1', type);
});

t.test('no mountLabel: the data as it was', async (t) => {
  t.equal(labelledData(ctx(), 'tmpfs', 'mode=755'), 'mode=755');
  t.equal(labelledData(ctx(''), 'tmpfs', ''), '');
});

t.test('a label with a quote is refused', async (t) => {
  t.throws(() => labelledData(ctx('a",suid'), 'tmpfs', ''), /mountLabel/);
});
