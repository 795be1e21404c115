// linux.namespaces: all eight types new or joined by path (compared through /proc/<pid>/ns/*),
// user namespace mappings, time namespace offsets, hostname and domainname, and what the pid and
// network namespaces show from inside.
import t, { type Test as Tap } from 'tap';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Namespace, Spec } from '../../src/spec/types.js';
import { Harness, info, IS_RUNC, seq, skipUnlessRoot, waitFor } from '../lib/runtime.js';
import { killPid } from '../lib/host.js';

const FILE: Record<Namespace['type'], string> = {
  mount: 'mnt', uts: 'uts', ipc: 'ipc', user: 'user', pid: 'pid', network: 'net', cgroup: 'cgroup', time: 'time',
};
const hasTimeNs = existsSync('/proc/self/ns/time');
// runc 1.1.5 knows no time namespace (runc 1.2 added it); runts must support it (runtime-spec 1.2+).
const noTime = IS_RUNC ? 'runc 1.1.5 has no time namespace support' : !hasTimeNs && 'this kernel has no time namespaces';
const ALL = (Object.keys(FILE) as Namespace['type'][]).filter((n) => n !== 'time' || !noTime);
const MAP = [{ containerID: 0, hostID: 100000, size: 65536 }];

const nsLink = (pid: number | 'self', type: Namespace['type']): string => readlinkSync(`/proc/${pid}/ns/${FILE[type]}`);

/** Runs `multitool hold` detached; returns its id and host pid. */
function hold(t: Tap, h: Harness, edit: (s: Spec) => void): { id: string; pid: number } | undefined {
  const b = h.bundle(['hold'], edit);
  const id = h.id();
  const r = h.rt(['run', '-d', '--bundle', b.dir, id]);
  t.equal(r.status, 0, `run -d: ${r.stderr}`);
  return r.status === 0 ? { id, pid: h.state(id)!.pid } : undefined;
}

/** A user namespace config: the bundle dir must be searchable by the mapped root. */
function userNs(h: Harness, s: Spec, maps = MAP): void {
  chmodSync(h.dir, 0o755);
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = maps;
  s.linux!.gidMappings = maps;
}

t.test('every namespace type new: the init\'s links all differ from the host\'s', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = hold(t, h, (s) => {
    s.linux!.namespaces = ALL.filter((n) => n !== 'user').map((type) => ({ type }));
    userNs(h, s);
  });
  if (!c) return;
  for (const type of ALL) t.not(nsLink(c.pid, type), nsLink('self', type), `${type}: a new namespace`);
});

t.test('without a namespace type the host\'s is kept', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = hold(t, h, (s) => { s.linux!.namespaces = [{ type: 'mount' }]; delete s.hostname; });
  if (!c) return;
  for (const type of ALL.filter((x) => x !== 'mount')) t.equal(nsLink(c.pid, type), nsLink('self', type), `${type}: the host's`);
});

/** util-linux unshare(1) holding new namespaces of these types in its forked child; returns the child's pid. */
function unshareHolder(t: Tap, types: Namespace['type'][]): number {
  const flag: Record<string, string> = { mount: '--mount', uts: '--uts', ipc: '--ipc', network: '--net', pid: '--pid', cgroup: '--cgroup', time: '--time' };
  const p = spawn('unshare', [...types.map((x) => flag[x]), '--fork', '--kill-child', 'sleep', '1000'], { stdio: 'ignore' });
  t.teardown(() => killPid(p.pid!));
  return waitFor('the unshare holder\'s child', () => {
    const kids = readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim();
    const kid = Number(kids.split(' ')[0]);
    return kid && types.every((x) => nsLink(kid, x) !== nsLink('self', x)) ? kid : undefined;
  });
}

t.test('namespaces joined by path: the container\'s links are the holder\'s', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const types = ALL.filter((x) => x !== 'user');
  const holder = unshareHolder(t, types);
  const c = hold(t, h, (s) => {
    s.linux!.namespaces = types.map((type) => ({ type, path: `/proc/${holder}/ns/${FILE[type]}` }));
  });
  if (!c) return;
  for (const type of types) t.equal(nsLink(c.pid, type), nsLink(holder, type), `${type}: joined`);
});

t.test('a user namespace joined by path, with new namespaces owned by it', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const holder = hold(t, h, (s) => userNs(h, s));
  if (!holder) return;
  const c = hold(t, h, (s) => {
    s.linux!.namespaces!.push({ type: 'user', path: `/proc/${holder.pid}/ns/user` });
    // runc 1.1.5 wants the mappings in the config even for a joined user namespace.
    s.linux!.uidMappings = MAP;
    s.linux!.gidMappings = MAP;
  });
  if (!c) return;
  t.equal(nsLink(c.pid, 'user'), nsLink(holder.pid, 'user'), 'user: joined');
  for (const type of ['mount', 'pid', 'uts', 'ipc', 'network'] as const) t.not(nsLink(c.pid, type), nsLink(holder.pid, type), `${type}: new`);
  t.equal(readFileSync(`/proc/${c.pid}/uid_map`, 'utf8'), readFileSync(`/proc/${holder.pid}/uid_map`, 'utf8'), 'the holder\'s uid map');
  t.match(readFileSync(`/proc/${c.pid}/status`, 'utf8'), /^Uid:\t100000\t/m, 'root inside is uid 100000 on the host');
});

t.test('a user namespace with several uid and gid mappings', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const uids = [{ containerID: 0, hostID: 100000, size: 1000 }, { containerID: 1000, hostID: 300000, size: 10 }, { containerID: 5000, hostID: 400000, size: 1 }];
  const gids = [{ containerID: 0, hostID: 200000, size: 100 }, { containerID: 100, hostID: 500000, size: 2000 }];
  const table = (maps: typeof uids) => maps.map((m) => [m.containerID, m.hostID, m.size]);
  const parse = (text: string) => text.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const edit = (s: Spec) => { userNs(h, s, uids); s.linux!.gidMappings = gids; };
  let r = h.run(h.bundle(['then', 'cat', '/proc/self/uid_map', '--', 'then', 'cat', '/proc/self/gid_map', '--', 'info'], edit));
  t.equal(r.status, 0, r.stderr);
  const maps = parse(r.stdout.split('\n{')[0]);
  t.same(maps.slice(0, uids.length), table(uids), 'uid_map as configured');
  t.same(maps.slice(uids.length), table(gids), 'gid_map as configured');
  t.match(info(r.stdout), { uid: 0, gid: 0 }, 'root inside');
  const c = hold(t, h, (s) => { edit(s); s.process!.user = { uid: 1005, gid: 150, additionalGids: [5] }; });
  if (!c) return;
  const status = readFileSync(`/proc/${c.pid}/status`, 'utf8');
  t.match(status, /^Uid:\t300005\t300005\t300005\t300005$/m, 'uid 1005 is host uid 300005');
  t.match(status, /^Gid:\t500050\t500050\t500050\t500050$/m, 'gid 150 is host gid 500050');
  t.match(status, /^Groups:\t200005 ?$/m, 'additional gid 5 is host gid 200005');
  r = h.run(h.bundle(['info'], (s) => { edit(s); s.process!.user = { uid: 1005, gid: 150 }; }));
  t.match(info(r.stdout), { uid: 1005, gid: 150 }, 'the ids inside');
});

t.test('a new cgroup namespace is rooted at the container\'s cgroups, also with a user namespace', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const lines = (text: string) => text.trim().split('\n').filter((l) => /^\d+:/.test(l));
  for (const withUser of [false, true]) {
    const what = withUser ? 'with a user namespace: ' : '';
    const edit = (id: string) => (s: Spec) => {
      s.linux!.namespaces!.push({ type: 'cgroup' });
      s.linux!.cgroupsPath = `/${id}`;
      if (withUser) userNs(h, s);
    };
    let id = h.id();
    const r = h.run(h.bundle(['cat', '/proc/self/cgroup'], edit(id)), id);
    t.equal(r.status, 0, r.stderr);
    const inside = lines(r.stdout);
    t.ok(inside.length > 0, `${what}/proc/self/cgroup read`);
    t.same(inside.filter((l) => !l.endsWith(':/')), [], `${what}every hierarchy's path is / inside`);
    id = h.id();
    const d = h.rt(['run', '-d', '--bundle', h.bundle(['hold'], edit(id)).dir, id]);
    t.equal(d.status, 0, d.stderr);
    const pid = h.state(id)?.pid;
    if (!pid) continue;
    const host = lines(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
    t.same(host.filter((l) => !l.endsWith(`:/${id}`)), [], `${what}seen from the host, the init is in the container's cgroups`);
  }
});

t.test('time namespace offsets', { skip: skipUnlessRoot || noTime }, async (t) => {
  const h = new Harness(t);
  const offsets = { monotonic: { secs: 864000, nanosecs: 5000 }, boottime: { secs: 1728000 } };
  const edit = (s: Spec) => { s.linux!.namespaces!.push({ type: 'time' }); s.linux!.timeOffsets = offsets; };
  const r = h.run(h.bundle(['then', 'cat', '/proc/self/timens_offsets', '--', 'cat', '/proc/uptime'], edit));
  const hostUptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
  t.same(lines.slice(0, 2), [['monotonic', '864000', '5000'], ['boottime', '1728000', '0']], 'timens_offsets');
  const uptime = Number(lines[2]?.[0]);
  t.ok(Math.abs(uptime - hostUptime - 1728000) < 30, `uptime inside (${uptime}) is the host's (${hostUptime}) + 20 days`);
});

// runc 1.1.5 ignores domainname (runc 1.2 sets it, and refuses it without a uts namespace).
const noDomainname = IS_RUNC && 'runc 1.1.5 ignores linux domainname';
const noUts = (s: Spec) => { s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'uts'); };

/** A config that sets `what` without a uts namespace: create fails, nothing runs or stays. */
function refusedWithoutUts(t: Tap, h: Harness, what: string, edit: (s: Spec) => void): void {
  const id = h.id();
  const r = h.run(h.bundle(['info'], (s) => { noUts(s); delete s.hostname; edit(s); }), id);
  t.equal(r.status, 1, `${what} without a uts namespace is refused`);
  t.match(r.stderr, new RegExp(`${what}.*UTS|UTS.*${what}`, 'i'), `the error names ${what} and the uts namespace`);
  t.equal(r.stdout, '', 'nothing ran');
  t.equal(h.state(id), undefined, 'no container left');
}

t.test('hostname in a uts namespace; refused without one', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['info'], (s) => { s.hostname = 'box-1'; }));
  t.equal(r.status, 0, r.stderr);
  t.match(info(r.stdout), { hostname: 'box-1' });
  refusedWithoutUts(t, h, 'hostname', (s) => { s.hostname = 'box-2'; });
});

t.test('domainname in a uts namespace; refused without one', { skip: skipUnlessRoot || noDomainname }, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['info'], (s) => { s.hostname = 'box-1'; s.domainname = 'example.org'; }));
  t.equal(r.status, 0, r.stderr);
  t.match(info(r.stdout), { hostname: 'box-1', domainname: 'example.org' });
  refusedWithoutUts(t, h, 'domainname', (s) => { s.domainname = 'example.org'; });
});

t.test('pid namespace: PID 1 seeing only its own; without one, the host\'s pids', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  let r = h.run(h.bundle(['then', 'ls', '/proc', '--', 'info']));
  t.equal(r.status, 0, r.stderr);
  const pids = (out: string) => out.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
  t.equal(info(r.stdout).pid, 1, 'PID 1');
  t.ok(pids(r.stdout).length <= 2 && !pids(r.stdout).includes(process.pid), `only its own processes: ${pids(r.stdout)}`);
  r = h.run(h.bundle(['then', 'ls', '/proc', '--', 'info'], (s) => { s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'pid'); }));
  t.equal(r.status, 0, r.stderr);
  t.not(info(r.stdout).pid, 1, 'not PID 1');
  t.ok(pids(r.stdout).includes(process.pid), 'sees the test\'s own pid');
});

t.test('network namespace: only lo; without one, the host\'s interfaces', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const names = (netDev: string) => netDev.split('\n').slice(2).filter(Boolean).map((l) => l.trim().split(':')[0]).sort();
  let r = h.run(h.bundle(['cat', '/proc/net/dev']));
  t.equal(r.status, 0, r.stderr);
  t.same(names(r.stdout), ['lo'], 'only lo');
  r = h.run(h.bundle(['cat', '/proc/net/dev'], (s) => { s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'network'); }));
  t.equal(r.status, 0, r.stderr);
  t.same(names(r.stdout), names(readFileSync('/proc/net/dev', 'utf8')), 'the host\'s interfaces');
});

t.test('a user namespace with bind sources only the host\'s root can reach (issue 13: 8)', { skip: skipUnlessRoot }, async (t) => {
  // runc opens such sources in the host's user namespace; the container's root (uid 100000 on
  // the host) could not enter the 0700 directory above them.
  const h = new Harness(t);
  const priv = join(h.dir, 'private'), dir = join(priv, 'data'), file = join(priv, 'file');
  mkdirSync(dir, { recursive: true });
  chmodSync(priv, 0o700);
  writeFileSync(join(dir, 'inside'), 'in a directory\n');
  writeFileSync(file, 'a file\n');
  const b = h.bundle(seq(['cat', '/m/inside'], ['cat', '/f']), (s) => {
    userNs(h, s);
    s.mounts!.push({ destination: '/m', type: 'bind', source: dir, options: ['rbind', 'ro'] });
    s.mounts!.push({ destination: '/f', type: 'bind', source: file, options: ['bind', 'ro'] });
  });
  mkdirSync(join(b.rootfs, 'm')); // the mapped root may not write the image's root directory
  writeFileSync(join(b.rootfs, 'f'), '');
  const r = h.run(b);
  t.equal(r.status, 0, `run: ${r.stderr}`);
  t.equal(r.stdout, 'in a directory\na file\n', 'both sources are bound, a directory and a file');
});
