// /dev as src/init/rootfs sets it up: default devices, linux.devices, the /dev symlinks, and
// bind-mounted devices in a user namespace.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseSpec, canRun, cleanup, makeBundle, MOUNTINFO, mountAt, out, parseMountinfo, runDriver,
} from '../lib/rootfs-harness.js';
import type { Mount } from '../../src/spec/types.js';

if (!canRun) t.plan(0, 'needs root and unshare(1)');

const PROC: Mount = { destination: '/proc', type: 'proc', source: 'proc' };
const DEV: Mount = { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] };
const PTS: Mount = { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] };
const DEFAULTS = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
const STAT = (...paths: string[]): string[] => ['/bin/busybox', 'stat', '-c', '%n %F %t:%T %a %u:%g', ...paths];

function statLines(s: string): Record<string, string> {
  return Object.fromEntries(s.trim().split('\n').map((l) => {
    const [name, ...rest] = l.split(' ');
    return [name, rest.join(' ')];
  }));
}

t.test('default devices and symlinks in a tmpfs /dev', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const r = runDriver(b, baseSpec({ mounts: [PROC, DEV, PTS] }), {
    checks: [
      STAT(...DEFAULTS.map((d) => `/dev/${d}`)),
      ['/bin/busybox', 'sh', '-c', 'for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done'],
      ['/bin/busybox', 'ls', '/dev'],
      ['/bin/busybox', 'sh', '-c', 'echo hi > /dev/null && head -c 4 /dev/zero | wc -c'],
    ],
  });
  t.ok(r.ok, r.error ?? 'ok');
  const st = statLines(out(r, 0));
  const want: Record<string, string> = { null: '1:3', zero: '1:5', full: '1:7', random: '1:8', urandom: '1:9', tty: '5:0' };
  for (const d of DEFAULTS) t.equal(st[`/dev/${d}`], `character special file ${want[d]} 666 0:0`, `/dev/${d}`);
  t.same(out(r, 1).trim().split('\n'), ['/proc/self/fd', '/proc/self/fd/0', '/proc/self/fd/1', '/proc/self/fd/2', 'pts/ptmx']);
  t.equal(out(r, 2).split('\n').includes('core'), existsSync('/proc/kcore'), '/dev/core only when the kernel has /proc/kcore');
  t.equal(out(r, 3).trim(), '4', 'the devices work');
});

t.test('linux.devices: type, major:minor, fileMode, uid, gid, nested paths, overriding a default', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const spec = baseSpec({
    mounts: [PROC, DEV],
    linux: {
      namespaces: baseSpec().linux!.namespaces,
      devices: [
        { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o640, uid: 1000, gid: 1001 },
        { path: '/dev/loop-test', type: 'b', major: 7, minor: 0, fileMode: 0o600 },
        { path: '/dev/deep/er/kmsg', type: 'u', major: 1, minor: 11 },
        { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o620, gid: 5 },
        { path: '/run/fifo', type: 'p', fileMode: 0o604 },
        { path: '/dev/ptmx', type: 'c', major: 5, minor: 2 },
      ],
    },
  });
  const r = runDriver(b, spec, {
    checks: [STAT('/dev/fuse', '/dev/loop-test', '/dev/deep/er/kmsg', '/dev/null', '/run/fifo'), ['/bin/busybox', 'readlink', '/dev/ptmx']],
  });
  t.ok(r.ok, r.error ?? 'ok');
  const st = statLines(out(r, 0));
  t.equal(st['/dev/fuse'], 'character special file a:e5 640 1000:1001');
  t.equal(st['/dev/loop-test'], 'block special file 7:0 600 0:0');
  t.equal(st['/dev/deep/er/kmsg'], 'character special file 1:b 666 0:0', 'default mode 0666; parents created');
  t.equal(st['/dev/null'], 'character special file 1:3 620 0:5', 'the config overrides the default device');
  t.equal(st['/run/fifo'], 'fifo 0:0 604 0:0');
  t.equal(out(r, 1).trim(), 'pts/ptmx', '/dev/ptmx stays the devpts symlink');
});

t.test('devices in the image: a matching node is kept, anything else is refused', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  spawnSync('mknod', ['-m', '600', join(b.rootfs, 'dev/zero'), 'c', '1', '5']);
  const ok = runDriver(b, baseSpec({ mounts: [PROC] }), { checks: [STAT('/dev/zero', '/dev/null')] });
  t.ok(ok.ok, ok.error ?? 'ok');
  const st = statLines(out(ok, 0));
  t.equal(st['/dev/zero'], 'character special file 1:5 600 0:0', 'existing matching node unchanged');
  t.equal(st['/dev/null'], 'character special file 1:3 666 0:0', 'missing node created in the rootfs\'s /dev');
  spawnSync('rm', ['-f', join(b.rootfs, 'dev/full')]);
  writeFileSync(join(b.rootfs, 'dev/full'), 'not a device');
  const bad = runDriver(b, baseSpec({ mounts: [PROC] }));
  t.equal(bad.error, 'create device /dev/full: an existing file is not the c 1:7 device');
  spawnSync('rm', ['-f', join(b.rootfs, 'dev/full')]);
  spawnSync('mknod', [join(b.rootfs, 'dev/full'), 'c', '1', '3']);
  const wrong = runDriver(b, baseSpec({ mounts: [PROC] }));
  t.equal(wrong.error, 'create device /dev/full: an existing file is not the c 1:7 device');
});

t.test('a bind-mounted /dev is left alone', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const devdir = join(b.bundle, 'devdir');
  mkdirSync(devdir);
  const r = runDriver(b, baseSpec({ mounts: [PROC, { destination: '/dev', source: devdir, options: ['rbind'] }] }), {
    checks: [['/bin/busybox', 'ls', '/dev']],
  });
  t.ok(r.ok, r.error ?? 'ok');
  t.equal(out(r, 0), '', 'no devices or symlinks created');
  t.same(readdirSync(devdir), []);
});

t.test('in a user namespace devices are bind-mounted from the host; sysfs falls back to a bind', async (t) => {
  const b = makeBundle();
  t.teardown(() => cleanup(b));
  const spec = baseSpec({
    mounts: [PROC, DEV, { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] }],
    linux: {
      namespaces: [...baseSpec().linux!.namespaces!, { type: 'user' }],
      devices: [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }],
      maskedPaths: ['/proc/meminfo', '/proc/fs'], readonlyPaths: ['/proc/sys'],
    },
  });
  if (!existsSync('/dev/fuse')) spec.linux!.devices = [];
  const r = runDriver(b, spec, {
    plan: { inUserNs: true },
    unshare: ['--user', '--map-root-user', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private'],
    checks: [MOUNTINFO, STAT(...DEFAULTS.map((d) => `/dev/${d}`)), ['/bin/busybox', 'sh', '-c', 'echo x > /dev/null && echo written']],
  });
  t.comment('masked and read-only paths work in a user namespace too');
  t.ok(r.ok, r.error ?? 'ok');
  const m = parseMountinfo(out(r, 0));
  for (const d of DEFAULTS) {
    const mnt = mountAt(m, `/dev/${d}`);
    t.equal(mnt?.root, `/${d}`, `/dev/${d} is a bind of the host's node`);
  }
  const st = statLines(out(r, 1));
  t.match(st['/dev/null'], /^character special file 1:3 /);
  t.equal(out(r, 2).trim(), 'written');
  const sys = mountAt(m, '/sys');
  t.equal(sys?.fstype, 'sysfs', '/sys is sysfs');
  t.ok(sys?.options.includes('ro'), '/sys is read-only');
  const subs = m.filter((x) => x.mountpoint.startsWith('/sys/'));
  for (const s of subs) t.ok(s.options.includes('ro'), `${s.mountpoint} (under the /sys bind) is read-only`);
  t.equal(mountAt(m, '/proc/meminfo')?.root, '/null', '/proc/meminfo masked');
  t.ok(mountAt(m, '/proc/fs')?.options.includes('ro'), '/proc/fs masked by a read-only tmpfs');
  t.ok(mountAt(m, '/proc/sys')?.options.includes('ro'), '/proc/sys read-only');
});
