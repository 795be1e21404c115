// Id-mapped mounts (config.md, mounts: uidMappings/gidMappings, the idmap and ridmap options):
// what a container sees of a bind mount's file owners through the mapping, with and without a
// user namespace of its own, recursively or not, and the errors. A mapping {containerID, hostID}
// shows a file that the source filesystem has as owned by containerID as owned by hostID (as in
// runc's tests: no user namespace, 0:100000 shows root's files as 100000).
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDMapping, Mount, Spec } from '../../src/spec/types.js';
import { Harness, IS_RUNC, seq, type Bundle, skipUnlessRoot, TMP_PREFIX } from '../lib/runtime.js';
import { findProcesses, mountsUnder } from '../lib/host.js';

// runc 1.1.5 ignores uidMappings/gidMappings and refuses idmap/ridmap; runc 1.2 added them.
const skip = skipUnlessRoot || (IS_RUNC && 'runc 1.1.5 has no id-mapped mounts (runc 1.2 added them)');
const OVERFLOW = readFileSync('/proc/sys/kernel/overflowuid', 'utf8').trim();
const USERNS_MAP: IDMapping[] = [{ containerID: 0, hostID: 100000, size: 65536 }];

/** A source dir (its own temp dir, searchable by everyone) with a file of root's and one of 1000's. */
function source(t: Test): string {
  const dir = mkdtempSync(TMP_PREFIX);
  t.teardown(() => {
    for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  });
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'root'), 'r');
  writeFileSync(join(dir, 'u1000'), 'u');
  chownSync(join(dir, 'u1000'), 1000, 1000);
  return dir;
}

/** A tmpfs on src/sub with a file of root's: a submount of the source. */
function submount(t: Test, src: string): void {
  mkdirSync(join(src, 'sub'));
  const r = spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', join(src, 'sub')], { encoding: 'utf8' });
  t.equal(r.status, 0, `mount a tmpfs on ${src}/sub: ${r.stderr}`);
  writeFileSync(join(src, 'sub', 'h'), 'h');
}

function mount(src: string, options: string[], map?: IDMapping[]): Mount {
  return { destination: '/m', type: 'bind', source: src, options, ...(map ? { uidMappings: map, gidMappings: map } : {}) };
}

/** "UID GID" of each `multitool stat` line. */
const owners = (stdout: string): string[] => stdout.trim().split('\n').map((l) => l.split(' ').slice(2, 4).join(' '));

/** The destinations, made ahead: root of a user namespace cannot create them in the rootfs. */
function withDirs(b: Bundle, ...dirs: string[]): Bundle {
  for (const d of dirs) mkdirSync(join(b.rootfs, d));
  return b;
}

function userNs(h: Harness, s: Spec): void {
  chmodSync(h.dir, 0o755);
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = USERNS_MAP;
  s.linux!.gidMappings = USERNS_MAP;
}

t.test('uidMappings/gidMappings on a bind: the owners are seen through the mapping, writes are mapped back', { skip }, async (t) => {
  const h = new Harness(t);
  const src = source(t);
  const map = [{ containerID: 1000, hostID: 0, size: 1 }];
  chownSync(src, 1000, 1000); // root inside may write only where the owner is mapped
  const r = h.run(h.bundle(seq(['stat', '/m/u1000'], ['stat', '/m/root'], ['write', '/m/new', 'x'], ['cat', '/proc/self/mountinfo']),
    (s) => { s.mounts!.push(mount(src, ['bind'], map)); }));
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.same(owners(lines.slice(0, 2).join('\n')), ['0 0', `${OVERFLOW} ${OVERFLOW}`], "1000's file is root's, root's is unmapped");
  t.equal(lines[2], 'ok', 'root writes through the mount');
  const st = statSync(join(src, 'new'));
  t.same([st.uid, st.gid], [1000, 1000], 'the new file is 1000\'s on the source filesystem');
  t.match(lines.find((l) => l.split(' ')[4] === '/m') ?? '', / \S*idmapped\S* /, 'mountinfo shows the mount as idmapped');
});

t.test('ridmap id-maps the submounts of an rbind too, idmap only the top mount', { skip }, async (t) => {
  const h = new Harness(t);
  const src = source(t);
  submount(t, src);
  const map = [{ containerID: 0, hostID: 1000, size: 1 }];
  for (const [opt, sub] of [['idmap', '0 0'], ['ridmap', '1000 1000']]) {
    const r = h.run(h.bundle(seq(['stat', '/m/root'], ['stat', '/m/sub/h']), (s) => { s.mounts!.push(mount(src, ['rbind', opt], map)); }));
    t.equal(r.status, 0, r.stderr);
    t.same(owners(r.stdout), ['1000 1000', sub], `${opt}: the top mount is mapped, the submount ${opt === 'idmap' ? 'is not' : 'is too'}`);
  }
});

t.test('idmap without mappings takes the container\'s user namespace mappings', { skip }, async (t) => {
  const h = new Harness(t);
  const src = source(t);
  const r = h.run(withDirs(h.bundle(seq(['stat', '/m/root'], ['stat', '/m/u1000'], ['stat', '/plain/root']), (s) => {
    userNs(h, s);
    s.mounts!.push(mount(src, ['bind', 'idmap']), { destination: '/plain', type: 'bind', source: src, options: ['bind'] });
  }), 'm', 'plain'));
  t.equal(r.status, 0, r.stderr);
  t.same(owners(r.stdout), ['0 0', '1000 1000', `${OVERFLOW} ${OVERFLOW}`],
    'through the id-mapped mount the owners are as on the source; a plain bind shows root\'s file unmapped');
});

t.test('idmap with a user namespace joined by path takes that namespace\'s mappings', { skip }, async (t) => {
  const h = new Harness(t);
  const src = source(t);
  const id = h.id();
  let r = h.rt(['run', '-d', '--bundle', h.bundle(['hold'], (s) => userNs(h, s)).dir, id]);
  if (!t.equal(r.status, 0, r.stderr)) return;
  const holder = h.state(id)!.pid;
  r = h.run(withDirs(h.bundle(seq(['stat', '/m/root'], ['stat', '/m/u1000']), (s) => {
    s.linux!.namespaces!.push({ type: 'user', path: `/proc/${holder}/ns/user` });
    s.mounts!.push(mount(src, ['bind', 'idmap']));
  }), 'm'));
  t.equal(r.status, 0, r.stderr);
  t.same(owners(r.stdout), ['0 0', '1000 1000'], 'the owners are as on the source');
});

t.test('a source whose filesystem cannot be id-mapped fails, naming the mount', { skip }, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true'], (s) => { s.mounts!.push(mount('/proc', ['bind'], [{ containerID: 0, hostID: 1000, size: 1 }])); });
  const r = h.run(b);
  t.equal(r.status, 1);
  t.match(r.stderr, /^runts: unable to start container process: mount \/proc to \/m: mount_setattr MOUNT_ATTR_IDMAP: invalid argument \(does the filesystem support id-mapped mounts on this kernel\?\)\n$/);
});

t.test('id-mapped mounts that cannot be: not a bind, no mappings anywhere, a mapping the kernel refuses', { skip }, async (t) => {
  const h = new Harness(t);
  const src = source(t);
  const map = [{ containerID: 0, hostID: 1000, size: 1 }];
  const cases: [string, Mount, RegExp][] = [
    ['a tmpfs', { destination: '/m', type: 'tmpfs', source: 'tmpfs', uidMappings: map, gidMappings: map },
      /^runts: config\.json: \/mounts\/\d+: id-mapped mounts are only supported for bind-mounts\n$/],
    ['idmap without mappings or a user namespace', mount(src, ['bind', 'idmap']),
      /^runts: config\.json: \/mounts\/\d+: id-mapped mounts must have both uid and gid mappings specified\n$/],
    ['an empty mapping', mount(src, ['bind'], []),
      /^runts: config\.json: \/mounts\/\d+: id-mapped mounts must have both uid and gid mappings specified\n$/],
    ['a mapping of size 0', mount(src, ['bind'], [{ containerID: 0, hostID: 1000, size: 0 }]),
      new RegExp(`^runts: unable to start container process: mount ${src} to /m: write uid_map of the mount's user namespace: invalid argument\\n$`)],
  ];
  for (const [what, m, err] of cases) {
    const r = h.run(h.bundle(['true'], (s) => { s.mounts!.push(m); }));
    t.equal(r.status, 1, `${what}: refused`);
    t.match(r.stderr, err, `${what}: the error`);
  }
});

t.test('nothing is left of the helpers once create returns', { skip }, async (t) => {
  const h = new Harness(t);
  const src = source(t);
  const id = h.id();
  const map = [{ containerID: 0, hostID: 1000, size: 1 }];
  const r = h.rt(['create', '--bundle', h.bundle(['true'], (s) => {
    s.mounts!.push(mount(src, ['bind'], map), { ...mount(src, ['rbind', 'ridmap'], [{ containerID: 0, hostID: 2000, size: 1 }]), destination: '/n' });
  }).dir, id]);
  t.equal(r.status, 0, r.stderr);
  t.same(findProcesses((argv) => argv[0]?.endsWith('runts-idmap')), [], 'no runts-idmap process or user namespace holder');
  t.equal(h.rt(['delete', '--force', id]).status, 0);
});
