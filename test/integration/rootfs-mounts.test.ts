// Config mounts made by src/init/rootfs: filesystem types, flags, data, propagation, recursive
// attributes, destination creation, symlinks inside the rootfs, hostname and domainname.
import t, { type Test } from 'tap';
import { chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseSpec, canRun, cleanup, makeBundle, MOUNTINFO, mountAt, out, parseMountinfo, runDriver, type DriverResult,
} from '../lib/rootfs-harness.js';
import type { Mount } from '../../src/spec/types.js';

if (!canRun) t.plan(0, 'needs root and unshare(1)');

const RUNC_DEFAULT_MOUNTS: Mount[] = [
  { destination: '/proc', type: 'proc', source: 'proc' },
  { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
  { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
  { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
];

function okRun(t: Test, r: DriverResult): boolean {
  t.ok(r.ok, `driver succeeded${r.ok ? '' : ': ' + r.error + ' ' + r.hostStderr}`);
  return r.ok;
}

function hasOpts(t: Test, mounts: ReturnType<typeof parseMountinfo>, mp: string, fstype: string, opts: string[], superOpts: string[] = []): void {
  const m = mountAt(mounts, mp);
  if (!t.ok(m, `${mp} is mounted`) || !m) return;
  t.equal(m.fstype, fstype, `${mp} is ${fstype}`);
  for (const o of opts) t.ok(m.options.includes(o), `${mp} has ${o} (${m.options.join(',')})`);
  for (const o of superOpts) t.ok(m.superOptions.includes(o), `${mp} has fs option ${o} (${m.superOptions.join(',')})`);
}

t.test("runc's default mounts, with their options", async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const r = runDriver(b, baseSpec({ mounts: RUNC_DEFAULT_MOUNTS }), {
    checks: [MOUNTINFO, ['/bin/busybox', 'pwd'], ['/bin/busybox', 'stat', '-c', '%a', '/dev', '/dev/shm']],
  });
  if (!okRun(t, r)) return;
  const m = parseMountinfo(out(r, 0));
  hasOpts(t, m, '/proc', 'proc', ['rw']);
  hasOpts(t, m, '/dev', 'tmpfs', ['rw', 'nosuid'], ['mode=755', 'size=65536k']);
  hasOpts(t, m, '/dev/pts', 'devpts', ['nosuid', 'noexec'], ['mode=620', 'ptmxmode=666', 'gid=5']);
  hasOpts(t, m, '/dev/shm', 'tmpfs', ['nosuid', 'nodev', 'noexec'], ['size=65536k']);
  hasOpts(t, m, '/dev/mqueue', 'mqueue', ['nosuid', 'nodev', 'noexec']);
  hasOpts(t, m, '/sys', 'sysfs', ['ro', 'nosuid', 'nodev', 'noexec']);
  hasOpts(t, m, '/sys/fs/cgroup', 'tmpfs', ['nosuid', 'nodev', 'noexec'], ['mode=755']);
  const cg = m.filter((x) => x.mountpoint.startsWith('/sys/fs/cgroup/'));
  t.ok(cg.length > 0, 'cgroup hierarchies are mounted under /sys/fs/cgroup');
  for (const c of cg) {
    t.ok(c.options.includes('ro'), `${c.mountpoint} is read-only`);
    t.ok(['cgroup', 'cgroup2'].includes(c.fstype), `${c.mountpoint} is a cgroup mount`);
  }
  t.equal(out(r, 1).trim(), '/', 'cwd is /');
  t.same(out(r, 2).trim().split('\n'), ['755', '1777'], 'tmpfs modes');
  t.equal(m[0].mountpoint, '/', 'the first mount is the container root');
  t.notOk(m.some((x) => x.mountpoint.startsWith('/tmp/runts-rootfs-')), 'no host path is visible in mountinfo');
});

t.test('cgroup mount with a cgroup namespace: fresh cgroup mounts, read-only', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const spec = baseSpec({
    mounts: [RUNC_DEFAULT_MOUNTS[0], RUNC_DEFAULT_MOUNTS[5], RUNC_DEFAULT_MOUNTS[6]],
    linux: { namespaces: [{ type: 'mount' }, { type: 'pid' }, { type: 'uts' }, { type: 'cgroup' }] },
  });
  const r = runDriver(b, spec, {
    checks: [MOUNTINFO, ['/bin/busybox', 'ls', '/sys/fs/cgroup']],
    unshare: ['--mount', '--uts', '--pid', '--cgroup', '--fork', '--propagation', 'private'],
  });
  if (!okRun(t, r)) return;
  const m = parseMountinfo(out(r, 0));
  const cg = m.filter((x) => x.mountpoint.startsWith('/sys/fs/cgroup/'));
  t.ok(cg.length > 0, 'hierarchies mounted');
  for (const c of cg) {
    t.ok(c.options.includes('ro'), `${c.mountpoint} ro`);
    t.equal(c.root, '/', `${c.mountpoint} shows the namespace's root cgroup`);
  }
});

t.test('bind, rbind, file binds, tmpfs data, nested destinations created', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  mkdirSync(join(b.bundle, 'src/inner'), { recursive: true });
  writeFileSync(join(b.bundle, 'src/f'), 'hello');
  writeFileSync(join(b.bundle, 'file'), 'filedata');
  mkdirSync(join(b.rootfs, 'data/inner'), { recursive: true });
  mkdirSync(join(b.rootfs, 'existing'), { mode: 0o711 });
  const spec = baseSpec({
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/x/y/z', type: 'bind', source: 'src', options: ['bind', 'ro'] },
      { destination: '/deep/er/file.txt', source: 'file', options: ['bind', 'nosuid', 'noexec', 'nodev'] },
      { destination: '/tmpfs', type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'mode=700', 'noexec'] },
      { destination: '/existing', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] },
      // a submount in the source, then a recursive bind of it: rro reaches the submount
      { destination: '/data/inner', type: 'tmpfs', source: 'tmpfs' },
      { destination: '/rro', source: join(b.rootfs, 'data'), options: ['rbind', 'rro'] },
      { destination: '/ro-only', source: join(b.rootfs, 'data'), options: ['rbind', 'ro'] },
      { destination: 'relative/dest', type: 'tmpfs', source: 'tmpfs' },
    ],
  });
  const r = runDriver(b, spec, {
    checks: [
      MOUNTINFO, ['/bin/busybox', 'cat', '/x/y/z/f', '/deep/er/file.txt'],
      ['/bin/busybox', 'stat', '-c', '%a', '/tmpfs', '/existing'],
      ['/bin/busybox', 'touch', '/rro/inner/a'], ['/bin/busybox', 'touch', '/ro-only/inner/a'],
      ['/bin/busybox', 'touch', '/x/y/z/a'],
    ],
  });
  if (!okRun(t, r)) return;
  const m = parseMountinfo(out(r, 0));
  hasOpts(t, m, '/x/y/z', 'ext4', ['ro']);
  t.match(mountAt(m, '/x/y/z')?.root ?? '', /\/bundle\/src$/, 'bind of the bundle-relative source');
  hasOpts(t, m, '/deep/er/file.txt', 'ext4', ['rw', 'nosuid', 'nodev', 'noexec']);
  hasOpts(t, m, '/tmpfs', 'tmpfs', ['noexec'], ['size=1024k', 'mode=700']);
  hasOpts(t, m, '/existing', 'tmpfs', ['nosuid'], ['mode=711']);
  hasOpts(t, m, '/rro', 'ext4', ['ro']);
  hasOpts(t, m, '/rro/inner', 'tmpfs', ['ro']);
  hasOpts(t, m, '/ro-only', 'ext4', ['ro']);
  hasOpts(t, m, '/ro-only/inner', 'tmpfs', ['rw']);
  hasOpts(t, m, '/relative/dest', 'tmpfs', []);
  t.equal(out(r, 1), 'hellofiledata', 'bind contents');
  t.same(out(r, 2).trim().split('\n'), ['700', '711'], 'tmpfs mode from data, else from the directory it covers');
  t.not(r.checks[3].status, 0, 'rro: the submount is read-only');
  t.equal(r.checks[4].status, 0, 'ro without rro: the submount stays writable');
  t.not(r.checks[5].status, 0, 'ro bind is read-only');
});

t.test('recursive attributes (mount_setattr) reach submounts', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  mkdirSync(join(b.rootfs, 'data/inner'), { recursive: true });
  const data = join(b.rootfs, 'data');
  const spec = baseSpec({
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/data/inner', type: 'tmpfs', source: 'tmpfs', options: ['noatime'] },
      { destination: '/r', source: data, options: ['rbind', 'rnosuid', 'rnodev', 'rnoexec', 'rnoatime', 'rnosymfollow'] },
      { destination: '/a', source: data, options: ['rbind', 'ratime'] },
      { destination: '/s', source: data, options: ['rbind', 'rstrictatime', 'rnodiratime'] },
    ],
  });
  const r = runDriver(b, spec, { checks: [MOUNTINFO] });
  if (!okRun(t, r)) return;
  const m = parseMountinfo(out(r, 0));
  for (const p of ['/r', '/r/inner']) hasOpts(t, m, p, p === '/r' ? 'ext4' : 'tmpfs', ['nosuid', 'nodev', 'noexec', 'noatime', 'nosymfollow']);
  hasOpts(t, m, '/a/inner', 'tmpfs', ['relatime']);
  hasOpts(t, m, '/s/inner', 'tmpfs', ['nodiratime']);
  t.notOk(mountAt(m, '/s/inner')?.options.some((o) => o.endsWith('atime') && o !== 'nodiratime'), 'strictatime (no atime flag shown)');
});

t.test('bind remounts in a user namespace keep the flags the kernel locked', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const locked = join(b.bundle, 'locked');
  mkdirSync(locked);
  // An outer mount namespace mounts a nosuid,nodev tmpfs; the container's user namespace inherits it locked.
  const outer = ['--mount', '--propagation', 'private', '/bin/sh', '-c',
    `mount -t tmpfs -o nosuid,nodev tmpfs ${locked} && exec unshare --user --map-root-user --mount --uts --pid --fork --propagation private "$0" "$@"`];
  const spec = (opts: string[]) => baseSpec({
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }, { destination: '/l', source: locked, options: opts }],
    linux: { namespaces: [...baseSpec().linux!.namespaces!, { type: 'user' }] },
  });
  const ro = runDriver(b, spec(['bind', 'ro', 'noexec']), { plan: { inUserNs: true }, unshare: outer, checks: [MOUNTINFO] });
  if (!okRun(t, ro)) return;
  hasOpts(t, parseMountinfo(out(ro, 0)), '/l', 'tmpfs', ['ro', 'noexec', 'nosuid', 'nodev']);
  const suid = runDriver(b, spec(['bind', 'suid']), { plan: { inUserNs: true }, unshare: outer });
  t.match(suid.error, /^mount .*\/locked to \/l: cannot clear locked mount flags nosuid: mount none to \/l: operation not permitted$/);
});

t.test('propagation options', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const spec = baseSpec({
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/shared', type: 'tmpfs', source: 'tmpfs', options: ['rshared'] },
      { destination: '/slave', source: join(b.rootfs, 'shared'), options: ['bind', 'slave'] },
      { destination: '/private', type: 'tmpfs', source: 'tmpfs', options: ['private'] },
      { destination: '/unbindable', type: 'tmpfs', source: 'tmpfs', options: ['unbindable'] },
    ],
  });
  const r = runDriver(b, spec, { checks: [MOUNTINFO] });
  if (!okRun(t, r)) return;
  const m = parseMountinfo(out(r, 0));
  t.match(mountAt(m, '/shared')?.optional.join(' '), /shared:\d+/, 'shared');
  t.match(mountAt(m, '/slave')?.optional.join(' '), /master:\d+/, 'slave of the shared mount');
  t.same(mountAt(m, '/private')?.optional, [], 'private');
  t.same(mountAt(m, '/unbindable')?.optional, ['unbindable'], 'unbindable');
});

t.test('symlinks inside the rootfs resolve inside it', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  symlinkSync('../etc', join(b.rootfs, 'tmp/rel'));
  symlinkSync('/', join(b.rootfs, 'tmp/abs'));
  symlinkSync('/etc/../../../..', join(b.rootfs, 'dotdot'));
  const spec = baseSpec({
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/tmp/rel/sub', type: 'tmpfs', source: 'tmpfs' },
      { destination: '/tmp/abs/landed', type: 'tmpfs', source: 'tmpfs' },
      { destination: '/dotdot/up', type: 'tmpfs', source: 'tmpfs' },
      { destination: '/../../../../twice', type: 'tmpfs', source: 'tmpfs' },
    ],
  });
  const r = runDriver(b, spec, { checks: [MOUNTINFO] });
  if (!okRun(t, r)) return;
  const m = parseMountinfo(out(r, 0));
  for (const p of ['/etc/sub', '/landed', '/up', '/twice']) t.ok(mountAt(m, p), `${p} mounted inside the rootfs`);
});

t.test('hostname and domainname', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const r = runDriver(b, baseSpec({ hostname: 'runts-box', domainname: 'example.test' }), {
    checks: [['/bin/busybox', 'hostname'], ['/bin/busybox', 'cat', '/proc/sys/kernel/domainname']],
  });
  if (!okRun(t, r)) return;
  t.equal(out(r, 0).trim(), 'runts-box');
  t.equal(out(r, 1).trim(), 'example.test');
  const noUts = runDriver(b, baseSpec({ hostname: 'x', linux: { namespaces: [{ type: 'mount' }] } }), {
    plan: { newUtsNs: false },
  });
  t.equal(noUts.error, 'unable to set hostname or domainname without a private UTS namespace');
});

t.test('sysctl is written before /proc/sys becomes read-only', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const spec = baseSpec({
    linux: {
      namespaces: [{ type: 'mount' }, { type: 'pid' }, { type: 'uts' }],
      sysctl: { 'kernel.domainname': 'via-sysctl' }, readonlyPaths: ['/proc/sys'],
    },
  });
  const r = runDriver(b, spec, { checks: [['/bin/busybox', 'cat', '/proc/sys/kernel/domainname']] });
  if (!okRun(t, r)) return;
  t.equal(out(r, 0).trim(), 'via-sysctl');
});

t.test('an id-mapped bind lands inside the rootfs through a symlink, with its flags', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  writeFileSync(join(b.outside, 'f'), 'f');
  chownSync(join(b.outside, 'f'), 1000, 1000);
  symlinkSync('/etc', join(b.rootfs, 'link'));
  const map = [{ containerID: 1000, hostID: 0, size: 1 }];
  const spec = baseSpec({
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/link/idm', source: b.outside, options: ['bind', 'ro', 'nosuid'], uidMappings: map, gidMappings: map },
    ],
  });
  const r = runDriver(b, spec, {
    // runts-idmap writes /proc/PID/uid_map of its child: /proc must be of the driver's pid namespace
    idmap: true, unshare: ['--mount', '--uts', '--pid', '--fork', '--propagation', 'private', '--mount-proc'],
    checks: [MOUNTINFO, ['/bin/busybox', 'stat', '-c', '%u %g', '/etc/idm/f'], ['/bin/busybox', 'touch', '/etc/idm/new']],
  });
  if (!okRun(t, r)) return;
  const m = mountAt(parseMountinfo(out(r, 0)), '/etc/idm');
  t.ok(m, 'mounted at /etc/idm inside the rootfs');
  for (const o of ['ro', 'nosuid', 'idmapped']) t.ok(m?.options.includes(o), `${o} (${m?.options.join(',')})`);
  t.equal(out(r, 1).trim(), '0 0', "1000's file is root's through the mapping");
  t.not(r.checks[2].status, 0, 'read-only');
});
