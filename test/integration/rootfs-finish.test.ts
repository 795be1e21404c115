// finishRootfs: pivot_root and --no-pivot, rootfsPropagation, root.readonly, read-only tmpfs
// and /dev, masked and read-only paths, stdio off the host's /dev/null, no mount namespace.
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseSpec, canRun, cleanup, makeBundle, MOUNTINFO, mountAt, out, parseMountinfo, runDriver,
} from '../lib/rootfs-harness.js';
import type { Mount } from '../../src/spec/types.js';

if (!canRun) t.plan(0, 'needs root and unshare(1)');

const PROC: Mount = { destination: '/proc', type: 'proc', source: 'proc' };
const NS = baseSpec().linux!.namespaces;
const sh = (script: string): string[] => ['/bin/busybox', 'sh', '-c', script];

t.test('pivot_root: only the container root is left, cwd is /', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const r = runDriver(b, baseSpec(), { checks: [MOUNTINFO, ['/bin/busybox', 'pwd'], ['/bin/busybox', 'readlink', '/proc/1/root']] });
  t.ok(r.ok, r.error ?? 'ok');
  const m = parseMountinfo(out(r, 0));
  t.same(m.map((x) => x.mountpoint), ['/', '/proc'], 'the old root is gone');
  t.equal(out(r, 1).trim(), '/');
  t.equal(out(r, 2).trim(), '/');
  t.equal(r.cwd, '/', "Node's own idea of the cwd is / too");
});

t.test('--no-pivot: the rootfs is moved onto / and chrooted into', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  writeFileSync(join(b.rootfs, 'etc/marker'), 'inside');
  const r = runDriver(b, baseSpec({ hostname: 'nopivot' }), {
    plan: { noPivot: true },
    checks: [['/bin/busybox', 'cat', '/etc/marker'], MOUNTINFO, ['/bin/busybox', 'hostname'], ['/bin/busybox', 'pwd']],
  });
  t.ok(r.ok, r.error ?? 'ok');
  t.equal(out(r, 0), 'inside');
  const m = parseMountinfo(out(r, 1));
  t.ok(mountAt(m, '/proc'), 'the container /proc is mounted');
  t.equal(m.filter((x) => x.fstype === 'proc' && x.root === '/').length, 1, 'a single full procfs is reachable');
  t.equal(out(r, 2).trim(), 'nopivot');
  t.equal(out(r, 3).trim(), '/');
});

t.test('root.readonly; read-only tmpfs and /dev are made read-only after their contents', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const spec = baseSpec({
    root: { path: 'rootfs', readonly: true },
    mounts: [
      PROC,
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755', 'ro'] },
      { destination: '/ro-tmp', type: 'tmpfs', source: 'tmpfs', options: ['ro', 'nodev', 'mode=1777'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs' },
    ],
  });
  const r = runDriver(b, spec, {
    checks: [
      MOUNTINFO, sh('touch /x'), sh('touch /tmp/x'), sh('touch /ro-tmp/x'), sh('touch /dev/x'),
      sh('echo ok > /dev/null && ls /dev/null'), ['/bin/busybox', 'stat', '-c', '%a', '/ro-tmp'],
    ],
  });
  t.ok(r.ok, r.error ?? 'ok');
  const m = parseMountinfo(out(r, 0));
  t.ok(mountAt(m, '/')?.options.includes('ro'), '/ is read-only');
  t.ok(mountAt(m, '/dev')?.options.includes('ro'), '/dev is read-only');
  t.ok(mountAt(m, '/dev')?.options.includes('nosuid'), '/dev keeps nosuid');
  t.ok(mountAt(m, '/ro-tmp')?.options.includes('ro'), '/ro-tmp is read-only');
  t.ok(mountAt(m, '/ro-tmp')?.options.includes('nodev'), '/ro-tmp keeps nodev');
  t.not(r.checks[1].status, 0, 'cannot write to /');
  t.equal(r.checks[2].status, 0, 'can write to a rw tmpfs on a ro root');
  t.not(r.checks[3].status, 0, 'cannot write to a ro tmpfs');
  t.not(r.checks[4].status, 0, 'cannot write to a ro /dev');
  t.equal(r.checks[5].status, 0, 'devices were created before /dev became read-only');
  t.equal(out(r, 6).trim(), '1777', 'mode set while writable');
});

t.test('masked paths: files get /dev/null, directories a read-only tmpfs, missing ones are skipped', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  writeFileSync(join(b.rootfs, 'etc/secret'), 'secret');
  mkdirSync(join(b.rootfs, 'etc/secrets'));
  writeFileSync(join(b.rootfs, 'etc/secrets/key'), 'key');
  const spec = baseSpec({
    mounts: [PROC, { destination: '/dev', type: 'tmpfs', source: 'tmpfs' }, { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro'] }],
    linux: {
      namespaces: NS,
      maskedPaths: ['/etc/secret', '/etc/secrets', '/proc/meminfo', '/proc/fs', '/sys/firmware', '/proc/does-not-exist', '/etc/secret'],
    },
  });
  const r = runDriver(b, spec, {
    checks: [
      MOUNTINFO, ['/bin/busybox', 'cat', '/etc/secret', '/proc/meminfo'], ['/bin/busybox', 'ls', '-A', '/etc/secrets', '/proc/fs', '/sys/firmware'],
      sh('touch /etc/secrets/x'), sh('echo x > /etc/secret; cat /etc/secret'),
    ],
  });
  t.ok(r.ok, r.error ?? 'ok');
  const m = parseMountinfo(out(r, 0));
  for (const f of ['/etc/secret', '/proc/meminfo']) {
    const mnt = mountAt(m, f);
    t.equal(mnt?.root, '/null', `${f} is a bind of /dev/null`);
    t.equal(mnt?.fstype, 'tmpfs', `${f}: the container's /dev/null (on its /dev tmpfs)`);
  }
  t.equal(m.filter((x) => x.mountpoint === '/etc/secret').length, 1, 'a duplicate path is masked once');
  for (const d of ['/etc/secrets', '/proc/fs', '/sys/firmware']) {
    const mnt = mountAt(m, d);
    t.equal(mnt?.fstype, 'tmpfs', `${d} is covered by a tmpfs`);
    t.ok(mnt?.options.includes('ro'), `${d} mask is read-only`);
  }
  t.equal(out(r, 1), '', 'masked files read empty');
  t.notMatch(out(r, 2), /key/, 'masked directories look empty');
  t.not(r.checks[3].status, 0, 'a masked directory cannot be written');
  t.equal(out(r, 4), '', 'writes to a masked file go to /dev/null');
});

t.test('readonly paths: recursive bind, top mount read-only, flags kept; missing ones skipped', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  mkdirSync(join(b.rootfs, 'data/sub'), { recursive: true });
  writeFileSync(join(b.rootfs, 'etc/ro-file'), 'data');
  const spec = baseSpec({
    mounts: [PROC, { destination: '/data', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev'] }],
    linux: { namespaces: NS, readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger', '/data', '/missing/path', '/etc/ro-file'] },
  });
  const r = runDriver(b, spec, {
    checks: [MOUNTINFO, sh('echo x > /proc/sys/kernel/domainname'), sh('touch /data/x'), sh('cat /proc/sys/kernel/ostype'),
      sh('echo x >> /etc/ro-file')],
  });
  t.ok(r.ok, r.error ?? 'ok');
  const m = parseMountinfo(out(r, 0));
  t.ok(mountAt(m, '/proc/sys')?.options.includes('ro'), '/proc/sys is read-only');
  const data = mountAt(m, '/data');
  t.ok(data?.options.includes('ro'), '/data is read-only');
  t.ok(data?.options.includes('nosuid') && data?.options.includes('nodev'), '/data keeps nosuid,nodev');
  t.not(r.checks[1].status, 0, 'cannot write /proc/sys');
  t.not(r.checks[2].status, 0, 'cannot write /data');
  t.equal(out(r, 3).trim(), 'Linux', 'still readable');
  t.ok(mountAt(m, '/etc/ro-file')?.options.includes('ro'), 'a file can be made read-only too');
  t.not(r.checks[4].status, 0, 'cannot write the read-only file');
});

t.test('rootfsPropagation', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  // The rootfs is a mount point of its own and "/" is rshared, as on a containerd host.
  const setup = [['mount', '--bind', b.rootfs, b.rootfs], ['mount', '--make-rshared', '/']];
  const prop = (value: string): string[] | undefined => {
    const r = runDriver(b, baseSpec({ linux: { namespaces: NS, rootfsPropagation: value } }), { checks: [MOUNTINFO], setup });
    t.ok(r.ok, `${value}: ${r.error ?? 'ok'}`);
    return r.ok ? mountAt(parseMountinfo(out(r, 0)), '/')?.optional : undefined;
  };
  t.match(prop('shared')?.join(' '), /^shared:\d+$/, 'shared');
  t.same(prop('private'), [], 'private');
  t.same(prop('unbindable'), ['unbindable'], 'unbindable');
  t.notMatch(prop('slave')?.join(' ') ?? '', /shared/, 'slave: not shared');
  const bad = runDriver(b, baseSpec({ linux: { namespaces: NS, rootfsPropagation: 'bogus' } }));
  t.equal(bad.error, 'unknown rootfsPropagation "bogus"');
});

t.test("stdio that was the host's /dev/null is re-pointed at the container's", async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const r = runDriver(b, baseSpec({ mounts: [PROC, { destination: '/dev', type: 'tmpfs', source: 'tmpfs' }] }), {
    checks: [['/bin/busybox', 'stat', '-L', '-c', '%d:%i', '/proc/1/fd/0', '/dev/null']],
  });
  t.ok(r.ok, r.error ?? 'ok');
  const [fd0, devNull] = out(r, 0).trim().split('\n');
  t.equal(fd0, devNull, "fd 0 of the init is the container's /dev/null");
});

t.test('without a new mount namespace: a plain chroot; mounts go into the runtime\'s namespace', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  writeFileSync(join(b.rootfs, 'etc/marker'), 'inside');
  const noNs = ['--pid', '--uts', '--fork'];
  const spec = baseSpec({ mounts: [], linux: { namespaces: [{ type: 'pid' }, { type: 'uts' }] } });
  const r = runDriver(b, spec, { plan: { newMountNs: false }, unshare: noNs, checks: [['/bin/busybox', 'cat', '/etc/marker']] });
  t.ok(r.ok, r.error ?? 'ok');
  t.equal(out(r, 0), 'inside');
  // The driver's own private namespace stands for the runtime's here, so nothing reaches the host.
  const mounted = runDriver(b, baseSpec({ linux: { namespaces: [{ type: 'pid' }] } }), {
    plan: { newMountNs: false }, unshare: ['--mount', '--propagation', 'private', ...noNs],
    checks: [['/bin/busybox', 'stat', '-f', '-c', '%T', '/proc']],
  });
  t.ok(mounted.ok, mounted.error ?? 'ok');
  t.equal(out(mounted, 0).trim(), 'proc', '/proc is mounted in the chroot');
});
