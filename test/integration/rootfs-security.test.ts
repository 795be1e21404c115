// The rootfs security cases of the brief (section 4): symlinks in mount destinations, present
// or racing (CVE-2021-30465, CVE-2024-45310), /proc replaced or covered (CVE-2019-16884,
// CVE-2023-27561), masked paths through a fake /dev/null (CVE-2025-31133).
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseSpec, canRun, cleanup, makeBundle, MOUNTINFO, mountAt, out, parseMountinfo, runDriver, type Bundle, type DriverResult,
} from '../lib/rootfs-harness.js';
import type { Mount } from '../../src/spec/types.js';

if (!canRun) t.plan(0, 'needs root and unshare(1)');

/** Nothing under the host dir `outside` was created or mounted (in the container's namespace). */
function nothingOutside(t: Test, b: Bundle, r: DriverResult, before: string[] = []): void {
  t.same(readdirSync(b.outside), before, 'nothing created in the host dir');
  const mounts = parseMountinfo(r.mountsAfterPrepare ?? '');
  t.ok(mounts.length > 0, 'mountinfo captured');
  const leaked = mounts.filter((m) => m.mountpoint === b.outside || m.mountpoint.startsWith(b.outside + '/'));
  t.same(leaked.map((m) => m.mountpoint), [], 'nothing mounted on the host dir');
}

const PROC: Mount = { destination: '/proc', type: 'proc', source: 'proc' };

t.test('a destination through an absolute symlink to a host dir resolves inside the rootfs (as runc)', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  symlinkSync(b.outside, join(b.rootfs, 'escape'));
  const r = runDriver(b, baseSpec({ mounts: [PROC, { destination: '/escape/x', type: 'tmpfs', source: 'tmpfs' }] }), {
    checks: [MOUNTINFO],
  });
  t.ok(r.ok, r.error ?? 'ok');
  t.ok(mountAt(parseMountinfo(out(r, 0)), join(b.outside, 'x')), 'mounted at the link target, taken inside the rootfs');
  t.ok(existsSync(join(b.rootfs, b.outside, 'x')), 'the target was created inside the rootfs');
  nothingOutside(t, b, r);
});

t.test('a relative symlink climbing out resolves inside the rootfs', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  mkdirSync(join(b.rootfs, 'outside'));
  symlinkSync('../../../../../../../outside', join(b.rootfs, 'tmp/up'));
  const r = runDriver(b, baseSpec({ mounts: [PROC, { destination: '/tmp/up/x', type: 'tmpfs', source: 'tmpfs' }] }), {
    checks: [MOUNTINFO],
  });
  t.ok(r.ok, r.error ?? 'ok');
  t.ok(mountAt(parseMountinfo(out(r, 0)), '/outside/x'), 'mounted at the rootfs\'s /outside/x');
  t.ok(existsSync(join(b.rootfs, 'outside/x')), 'mount point created inside the rootfs');
  nothingOutside(t, b, r);
});

t.test('an absolute symlink to "/" resolves to the container root, never the host root', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const name = `runts-test-${process.pid}-${Date.now()}`;
  symlinkSync('/', join(b.rootfs, 'abs'));
  const r = runDriver(b, baseSpec({ mounts: [PROC, { destination: `/abs/${name}/y`, type: 'tmpfs', source: 'tmpfs' }] }), {
    checks: [MOUNTINFO],
  });
  t.ok(r.ok, r.error ?? 'ok');
  t.ok(mountAt(parseMountinfo(out(r, 0)), `/${name}/y`), 'mounted under the container root');
  t.notOk(existsSync(`/${name}`), 'nothing created in the host root');
  t.ok(existsSync(join(b.rootfs, name, 'y')), 'created in the rootfs');
});

t.test('a file bind onto a symlink to a host file lands inside the rootfs; the host file is untouched', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  writeFileSync(join(b.outside, 'hosts'), 'host data');
  symlinkSync(join(b.outside, 'hosts'), join(b.rootfs, 'etc/hosts'));
  writeFileSync(join(b.bundle, 'hosts'), 'container data');
  const r = runDriver(b, baseSpec({ mounts: [PROC, { destination: '/etc/hosts', source: 'hosts', options: ['bind'] }] }), {
    checks: [['cat', '/etc/hosts']],
  });
  t.ok(r.ok, r.error ?? 'ok');
  t.equal(out(r, 0), 'container data', 'the container reads the bound file through its symlink');
  t.ok(existsSync(join(b.rootfs, b.outside, 'hosts')), 'the target was created inside the rootfs');
  t.equal(readFileSync(join(b.outside, 'hosts'), 'utf8'), 'host data');
  nothingOutside(t, b, r, ['hosts']);
});

t.test('destinations racing to become symlinks out of the rootfs never mount or create outside', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  mkdirSync(join(b.rootfs, 'race'));
  // Swap /race between a directory and symlinks to the host dir (absolute and relative).
  const rel = '../'.repeat(12) + b.outside.slice(1);
  const script = `cd ${b.rootfs}; while :; do mv race race.d; ln -s ${b.outside} race; rm race; ln -s ${rel} race; rm race; mv race.d race; done`;
  const mounts: Mount[] = [PROC];
  for (let i = 0; i < 150; i++) {
    mounts.push({ destination: `/race/t${i}`, type: 'tmpfs', source: 'tmpfs' });
    mounts.push({ destination: `/race/f${i}`, source: '/etc/hostname', options: ['bind'] });
  }
  let failures = 0;
  for (let run = 0; run < 6; run++) {
    const r = runDriver(b, baseSpec({ mounts }), { racer: ['/bin/sh', '-c', script] });
    if (!r.ok) failures++;
    nothingOutside(t, b, r);
    spawnSync('sh', ['-c', `cd ${b.rootfs}; [ -d race.d ] && rm -rf race && mv race.d race; true`]);
  }
  t.comment(`${failures} of 6 runs refused a raced destination`);
});

t.test('/proc that is a symlink is refused', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  rmdirSync(join(b.rootfs, 'proc'));
  symlinkSync('/tmp', join(b.rootfs, 'proc'));
  const r = runDriver(b, baseSpec());
  t.equal(r.error, 'mount proc to /proc: filesystem "proc" must be mounted on ordinary directory');
  rmdirSync(join(b.rootfs, 'sys'));
  symlinkSync(b.outside, join(b.rootfs, 'sys'));
  const s = runDriver(b, baseSpec({ mounts: [{ destination: '/sys', type: 'sysfs', source: 'sysfs' }] }));
  t.equal(s.error, 'mount sysfs to /sys: filesystem "sysfs" must be mounted on ordinary directory');
  nothingOutside(t, b, s);
});

t.test('only procfs goes on /proc; inside /proc only the lxcfs files', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const tmpfs = runDriver(b, baseSpec({ mounts: [{ destination: '/proc', type: 'tmpfs', source: 'tmpfs' }] }));
  t.equal(tmpfs.error, 'mount tmpfs to /proc: "/proc" cannot be mounted because it is not of type proc');
  const bind = runDriver(b, baseSpec({ mounts: [{ destination: '/proc', source: b.outside, options: ['rbind'] }] }));
  t.equal(bind.error, `mount ${b.outside} to /proc: "/proc" cannot be mounted because it is not of type proc`);
  symlinkSync('proc/sys', join(b.rootfs, 'sneaky'));
  const via = runDriver(b, baseSpec({ mounts: [PROC, { destination: '/sneaky/kernel', type: 'tmpfs', source: 'tmpfs' }] }));
  t.equal(via.error, 'mount tmpfs to /sneaky/kernel: "/proc/sys/kernel" cannot be mounted because it is inside /proc');
  const inside = runDriver(b, baseSpec({ mounts: [PROC, { destination: '/proc/self', type: 'tmpfs', source: 'tmpfs' }] }));
  t.match(inside.error, /cannot be mounted because it is inside \/proc$/);
  const procBind = runDriver(b, baseSpec({
    mounts: [{ destination: '/proc', source: '/proc', options: ['rbind'] },
      { destination: '/proc/uptime', source: '/proc/uptime', options: ['bind', 'ro'] }],
  }), { checks: [MOUNTINFO] });
  t.ok(procBind.ok, `a bind of a procfs over /proc and a bind over /proc/uptime are allowed ${procBind.error ?? ''}`);
  t.equal(mountAt(parseMountinfo(out(procBind, 0)), '/proc/uptime')?.fstype, 'proc');
});

t.test('a mount over the container root itself is refused', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const r = runDriver(b, baseSpec({ mounts: [{ destination: '/', type: 'tmpfs', source: 'tmpfs' }] }));
  t.equal(r.error, 'mount tmpfs to /: mountpoint / is the root of the container');
  symlinkSync('/', join(b.rootfs, 'root-link'));
  const l = runDriver(b, baseSpec({ mounts: [{ destination: '/root-link', type: 'tmpfs', source: 'tmpfs' }] }));
  t.equal(l.error, 'mount tmpfs to /root-link: mountpoint /root-link is the root of the container');
});

t.test('masked paths need the real /dev/null', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const linux = { namespaces: baseSpec().linux!.namespaces, maskedPaths: ['/proc/meminfo'] };
  // the image's /dev/null is a symlink (no /dev mount: runts creates the devices and trips on it)
  symlinkSync('/proc/sys/kernel/core_pattern', join(b.rootfs, 'dev/null'));
  const img = runDriver(b, baseSpec({ linux }));
  t.equal(img.error, 'create device /dev/null: an existing file is not the c 1:3 device');
  // /dev bind-mounted from a dir whose null is a symlink: runts does not create devices there
  const devdir = join(b.bundle, 'devdir');
  mkdirSync(devdir);
  symlinkSync('/proc/sys/kernel/core_pattern', join(devdir, 'null'));
  const devBind = { destination: '/dev', source: devdir, options: ['rbind'] };
  const bound = runDriver(b, baseSpec({ mounts: [PROC, devBind], linux }));
  t.equal(bound.error, "can't mask paths: container's /dev/null is invalid");
  // a real device, but not 1:3
  spawnSync('rm', [join(devdir, 'null')]);
  spawnSync('mknod', ['-m', '666', join(devdir, 'null'), 'c', '1', '5']);
  const wrong = runDriver(b, baseSpec({ mounts: [PROC, devBind], linux }));
  t.equal(wrong.error, "can't mask paths: container's /dev/null is invalid");
  // checked even when only directories are masked
  const dirs = runDriver(b, baseSpec({ mounts: [PROC, devBind], linux: { ...linux, maskedPaths: ['/proc/fs'] } }));
  t.equal(dirs.error, "can't mask paths: container's /dev/null is invalid");
});
