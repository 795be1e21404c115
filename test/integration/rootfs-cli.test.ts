// The rootfs through `runts run`: root.readonly, rootfsPropagation, --no-pivot, the spec's default
// devices and /dev symlinks, linux.devices, and config mounts in order with their destinations
// created inside the rootfs. (rootfs-*.test.ts test the Node init's rootfs code directly.)
import t, { type Test } from 'tap';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mount } from '../../src/spec/types.js';
import { Harness, IS_RUNC, seq, skipUnlessRoot, type Bundle, type Result } from '../lib/runtime.js';
import { run as hostRun } from '../lib/host.js';
import { mountAt as lastMountAt, parseMountinfo } from '../lib/rootfs-harness.js';

/** multitool arguments running each command in turn (`then A -- then B -- C`). */
/** Runs the bundle; fails the test unless it exits 0; returns stdout's lines. */
function lines(t: Test, h: Harness, b: Bundle, extra: string[] = []): string[] {
  const r: Result = h.run(b, h.id(), extra);
  t.equal(r.status, 0, `run: ${r.stderr}`);
  return r.stdout.split('\n').slice(0, -1);
}

/** The last mount at `point` in the mountinfo the container printed (the one on top). */
const mountAt = (text: string, point: string) => lastMountAt(parseMountinfo(text), point);

t.test('root.readonly: / is read-only, /dev, /dev/shm and /proc still work', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const cmds = seq(['write', '/x', 'a'], ['mkdir', '/newdir'], ['write', '/dev/null', 'a'], ['write', '/dev/shm/f', 'a'],
    ['cat', '/proc/self/comm']);
  t.same(lines(t, h, h.bundle(cmds, (s) => { s.root!.readonly = true; })),
    ['errno EROFS', 'errno EROFS', 'ok', 'ok', 'multitool'], 'read-only root');
  t.same(lines(t, h, h.bundle(cmds, (s) => { s.root!.readonly = false; })),
    ['ok', 'ok', 'ok', 'ok', 'multitool'], 'writable root');
});

// runc 1.1.5 applies rootfsPropagation to the old "/" before it binds the rootfs from a parent
// it made private: the container's "/" ends up private whatever the value, and "unbindable" makes
// its rootfs bind fail (EINVAL). runts applies it to the container's "/", as the spec says.
const runcPropagation = IS_RUNC && 'runc 1.1.5 does not apply rootfsPropagation to the container\'s /';

t.test('rootfsPropagation on the container\'s /', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const rootOf = (value: string | undefined) => {
    const b = h.bundle(['cat', '/proc/self/mountinfo'], (s) => { s.linux!.rootfsPropagation = value; });
    return mountAt(lines(t, h, b).join('\n'), '/')?.optional ?? ['(no / mount)'];
  };
  t.same(rootOf('private'), [], 'private: no propagation');
  t.notMatch(rootOf('slave').join(' '), /shared/, 'slave: receives, never sends');
  t.notMatch(rootOf(undefined).join(' '), /shared/, 'unset: not shared with the host');
  t.test('shared and unbindable', { skip: runcPropagation }, async (t) => {
    t.match(rootOf('shared').join(' '), /^shared:\d+$/, 'shared: a peer group of its own');
    t.same(rootOf('unbindable'), ['unbindable'], 'unbindable');
  });
});

const PIDS_V1 = '/sys/fs/cgroup/pids';
const noPidsV1 = !existsSync(join(PIDS_V1, 'cgroup.procs')) && 'the host has no v1 pids hierarchy at /sys/fs/cgroup/pids';

t.test('a v1 hierarchy mounted again elsewhere on the host: the container binds its own cgroup', { skip: skipUnlessRoot || noPidsV1 }, async (t) => {
  // A shared rootfsPropagation shows another container's /sys/fs/cgroup mounts on the host like this.
  const h = new Harness(t);
  const sub = join(PIDS_V1, `runts-test-again-${process.pid}`), again = join(h.dir, 'pids-again');
  mkdirSync(sub); mkdirSync(again);
  t.teardown(() => { hostRun(['umount', again]); rmdirSync(sub); });
  t.equal(hostRun(['mount', '--bind', sub, again]).status, 0, 'a second mount of the pids hierarchy, rooted elsewhere');
  const b = h.bundle(['cat', '/sys/fs/cgroup/pids/cgroup.procs'], (s) => {
    s.mounts!.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'ro'] });
  });
  t.same(lines(t, h, b), ['1'], "the container's pids cgroup holds only its PID 1");
});

t.test('--no-pivot: the container still sees only its rootfs', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  for (const extra of [[], ['--no-pivot']]) {
    const b = h.bundle(seq(['ls', '/'], ['echo', '=='], ['ls', '/..'], ['echo', '=='], ['cat', '/proc/self/mountinfo']));
    writeFileSync(join(b.rootfs, 'marker'), '');
    const [top, up, mounts] = lines(t, h, b, extra).join('\n').split('\n==\n');
    const want = readdirSync(b.rootfs).sort();
    t.same(top.split('\n').sort(), want, `${extra.join(' ') || 'pivot_root'}: / is the rootfs`);
    t.same(up.split('\n').sort(), want, `${extra.join(' ') || 'pivot_root'}: /.. is / too`);
    t.notOk(parseMountinfo(mounts).some((m) => m.mountpoint.startsWith(h.dir)), 'no host path among the mount points');
  }
});

t.test('default devices and /dev symlinks', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const devs: [string, string][] = [['null', '1:3'], ['zero', '1:5'], ['full', '1:7'], ['random', '1:8'], ['urandom', '1:9'], ['tty', '5:0']];
  const links: [string, string][] = [['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'],
    ['stderr', '/proc/self/fd/2'], ['ptmx', 'pts/ptmx']];
  const out = lines(t, h, h.bundle(seq(...devs.map(([d]) => ['stat', `/dev/${d}`]), ...links.map(([l]) => ['readlink', `/dev/${l}`]),
    ['stat', '/dev/pts/ptmx'])));
  devs.forEach(([d, rdev], i) => t.equal(out[i], `c 666 0 0 ${rdev}`, `/dev/${d}: char ${rdev}, 0666, root`));
  links.forEach(([l, target], i) => t.equal(out[devs.length + i], target, `/dev/${l} -> ${target}`));
  t.match(out[devs.length + links.length], /^c 666 0 0 5:\d+$/, "/dev/pts/ptmx: the devpts instance's, 0666 (ptmxmode)");
});

t.test('linux.devices: nodes with the configured type, numbers, mode and owner', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const devices = [
    { path: '/dev/mychar', type: 'c', major: 10, minor: 200, fileMode: 0o640, uid: 1000, gid: 1001 },
    { path: '/dev/sub/dir/myblock', type: 'b', major: 7, minor: 100, fileMode: 0o600, uid: 0, gid: 6 },
    { path: '/dev/myfifo', type: 'p', fileMode: 0o620, uid: 5, gid: 5 },
    { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o600, uid: 0, gid: 0 },
  ];
  const out = lines(t, h, h.bundle(seq(...devices.map((d) => ['stat', d.path])), (s) => {
    s.linux!.devices = devices;
    // runc drops its default cgroup rule for a default device the config lists again
    s.linux!.resources!.devices!.push({ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' });
  }));
  t.same(out, ['c 640 1000 1001 10:200', 'b 600 0 6 7:100', 'p 620 5 5 0:0', 'c 600 0 0 1:3'],
    'char, block (in created dirs), fifo; a listed default device takes the config\'s mode');
});

t.test('mounts: in order, bind, rbind, ro, tmpfs options, mounts over mounts, destinations created', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const host = join(h.dir, 'host'), sub = join(host, 'sub');
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(host, 'f'), 'from the host\n');
  writeFileSync(join(h.dir, 'file'), 'a single file\n');
  // a mount under the host dir: seen through rbind, not through bind
  t.equal(hostRun(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', sub]).status, 0, 'mount a tmpfs on host/sub');
  writeFileSync(join(sub, 'inner'), 'submount\n');
  try {
    const mounts: Mount[] = [
      { destination: '/mnt/bind', type: 'bind', source: host, options: ['bind'] },
      { destination: '/mnt/rbind', type: 'bind', source: host, options: ['rbind'] },
      { destination: '/mnt/ro', type: 'bind', source: host, options: ['bind', 'ro'] },
      { destination: '/mnt/tmp', type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'mode=710', 'nosuid'] },
      { destination: '/mnt/tmp/deep/er/bind', type: 'none', source: host, options: ['bind'] },
      { destination: '/mnt/over', type: 'tmpfs', source: 'tmpfs', options: [] },
      { destination: '/mnt/over', type: 'bind', source: host, options: ['bind'] },
      { destination: '/new/dirs/file', type: 'bind', source: join(h.dir, 'file'), options: ['bind'] },
    ];
    const b = h.bundle(seq(
      ['cat', '/mnt/bind/f'], ['ls', '/mnt/bind/sub'], ['write', '/mnt/bind/written', 'x'],
      ['cat', '/mnt/rbind/sub/inner'],
      ['write', '/mnt/ro/no', 'x'],
      ['stat', '/mnt/tmp'], ['cat', '/mnt/tmp/deep/er/bind/f'],
      ['cat', '/mnt/over/f'],
      ['cat', '/new/dirs/file'], ['stat', '/new/dirs/file'],
      ['cat', '/proc/self/mountinfo'],
    ), (s) => { s.mounts!.push(...mounts); });
    const out = lines(t, h, b);
    // (ls of /mnt/bind/sub prints nothing: a plain bind does not bring the submount along)
    t.same(out.slice(0, 9), ['from the host', 'ok', 'submount', 'errno EROFS', 'd 710 0 0 0:0', 'from the host',
      'from the host', 'a single file', 'f 644 0 0 0:0'], 'what each mount shows');
    t.equal(readFileSync(join(host, 'written'), 'utf8'), 'x', 'a write through the bind reaches the host');
    const info = out.slice(9).join('\n');
    const tmp = mountAt(info, '/mnt/tmp');
    t.equal(tmp?.fstype, 'tmpfs', '/mnt/tmp is a tmpfs');
    t.ok(tmp?.superOptions.includes('size=1024k'), 'size=1m');
    t.ok(tmp?.superOptions.includes('mode=710'), 'mode=710');
    t.ok(tmp?.options.includes('nosuid'), 'nosuid');
    t.ok(mountAt(info, '/mnt/ro')?.options.includes('ro'), '/mnt/ro is read-only');
    t.equal(mountAt(info, '/mnt/over')?.fstype, mountAt(info, '/mnt/bind')?.fstype, 'the bind mounted last is on top of the tmpfs at /mnt/over');
  } finally {
    hostRun(['umount', sub]);
  }
});

t.test('destinations through symlinks in the image resolve inside the rootfs', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  // /abs -> /real names a host path too: it must be read inside the rootfs.
  const real = join(h.dir, 'real');
  mkdirSync(real);
  const b = h.bundle(seq(['stat', '/abs/m'], ['stat', '/rel/n'], ['cat', '/proc/self/mountinfo']), (s) => {
    s.mounts!.push({ destination: '/abs/m', type: 'tmpfs', source: 'tmpfs', options: ['mode=700'] },
      { destination: '/rel/n', type: 'tmpfs', source: 'tmpfs', options: ['mode=750'] });
  });
  mkdirSync(join(b.rootfs, real), { recursive: true });
  symlinkSync(real, join(b.rootfs, 'abs'));
  symlinkSync(`.${real}`, join(b.rootfs, 'rel'));
  const out = lines(t, h, b);
  t.same(out.slice(0, 2), ['d 700 0 0 0:0', 'd 750 0 0 0:0'], 'the tmpfs mounts are there inside');
  const mounts = out.slice(2).join('\n');
  t.equal(mountAt(mounts, `${real}/m`)?.fstype, 'tmpfs', '/abs/m is the target read inside the rootfs');
  t.equal(mountAt(mounts, `${real}/n`)?.fstype, 'tmpfs', '/rel/n too');
  t.same(readdirSync(real), [], 'nothing made in the host dir of the same name');
  t.same(readdirSync(join(b.rootfs, real)).sort(), ['m', 'n'], 'the mount points were made under the rootfs');
});

t.test('a bind onto a dangling symlink creates its target inside the rootfs (resolv.conf in systemd images)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const src = join(h.dir, 'resolv.conf');
  writeFileSync(src, 'nameserver 192.0.2.1\n');
  const b = h.bundle(['cat', '/etc/resolv.conf'], (s) => {
    s.mounts!.push({ destination: '/etc/resolv.conf', type: 'bind', source: src, options: ['rbind', 'ro'] });
  });
  symlinkSync('../run/systemd/resolve/stub-resolv.conf', join(b.rootfs, 'etc/resolv.conf'));
  const r = h.run(b);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'nameserver 192.0.2.1\n', 'the container reads the bound file through its link');
  t.ok(existsSync(join(b.rootfs, 'run/systemd/resolve/stub-resolv.conf')), 'the link target was created inside the rootfs');
});

t.test('tmpcopyup: the image\'s content under a tmpfs is copied into it (issue 13: 11)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(seq(['cat', '/plain/f'], ['stat', '/data/f'], ['cat', '/data/f'], ['stat', '/data/sub'],
    ['readlink', '/data/link'], ['cat', '/data/sub/g'], ['write', '/data/new', 'x']), (s) => {
    s.mounts!.push({ destination: '/data', type: 'tmpfs', source: 'tmpfs', options: ['tmpcopyup', 'nosuid'] });
    s.mounts!.push({ destination: '/plain', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] });
  });
  for (const d of ['data/sub', 'plain']) mkdirSync(join(b.rootfs, d), { recursive: true, mode: 0o750 });
  writeFileSync(join(b.rootfs, 'data/f'), 'image\n', { mode: 0o604 });
  writeFileSync(join(b.rootfs, 'data/sub/g'), 'deeper\n');
  writeFileSync(join(b.rootfs, 'plain/f'), 'hidden');
  hostRun(['chown', '1000:1001', join(b.rootfs, 'data/f')]);
  symlinkSync('../etc/x', join(b.rootfs, 'data/link'));
  t.same(lines(t, h, b), ['errno ENOENT', 'f 604 1000 1001 0:0', 'image', 'd 750 0 0 0:0', '../etc/x', 'deeper', 'ok'],
    'files, modes, owners, directories and symlinks copied; the tmpfs is writable; without tmpcopyup it starts empty');
  t.notOk(existsSync(join(b.rootfs, 'data/new')), 'the image is left unchanged');
});

t.test('an option runts does not know on a bind mount is refused, naming it (issue 13: 11)', {
  skip: skipUnlessRoot || (IS_RUNC && 'runc 1.1.5 passes unknown options of a bind mount on as filesystem data, which the kernel ignores'),
}, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true'], (s) => {
    s.mounts!.push({ destination: '/m', type: 'bind', source: h.dir, options: ['rbind', 'size=10m', 'ro'] });
  });
  const id = h.id();
  const r = h.rt(['create', '--bundle', b.dir, id]);
  t.equal(r.status, 1);
  t.match(r.stderr, /\/mounts\/\d+\/options: unknown mount option "size=10m" for a bind mount/);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  t.equal(h.state(id), undefined, 'nothing is left');
});
