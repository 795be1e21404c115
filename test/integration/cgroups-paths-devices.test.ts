// Where the container's cgroups are (cgroupsPath absolute, relative, or none: the id below the
// runtime's own cgroups), that delete removes them in every hierarchy, and linux.resources.devices
// seen from inside: a node made through linux.devices opens only when a rule allows it.
import t, { type Test } from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Harness, ID_PREFIX, skipUnderSystemd, skipUnlessRoot } from '../lib/runtime.js';
import { alive, cgroupRoots, controllerDir } from '../lib/host.js';
import { cgFile, cgroupPathsOf, createWith, existing, expectedDirs, removePath } from './cgroups-lib.js';

/** Creates a container with cgroupsPath `path` (or none) and checks its init's cgroups, then deletes it. */
function checkPath(t: Test, h: Harness, path: string | undefined): void {
  const c = createWith(h, {}, ['hold'], (s) => { if (path === undefined) delete s.linux!.cgroupsPath; else s.linux!.cgroupsPath = path; });
  t.equal(c.r.status, 0, c.r.stderr);
  const want = expectedDirs(path ?? c.id);
  const mounts = Object.fromEntries(cgroupRoots().map((r) => [r.fstype === 'cgroup2' ? '' : r.superOptions.split(',').find((o) => o in want) ?? '?', r.mountpoint]));
  const got = Object.fromEntries(Object.entries(cgroupPathsOf(c.pid)).map(([k, p]) => [k, posix.join(mounts[k] ?? '?', p)]));
  for (const [key, dir] of Object.entries(want)) t.equal(got[key], dir, `${key || 'cgroup2'}: the init is in ${dir}`);
  t.same(existing(want), Object.values(want), 'every directory exists');
  t.equal(h.rt(['delete', '--force', c.id]).status, 0);
  t.same(existing(want), [], 'delete removed it in every hierarchy');
  t.notOk(alive(c.pid), 'and the init is gone');
}

t.test('no cgroupsPath: the id, below the runtime\'s own cgroup in each hierarchy', { skip: skipUnlessRoot }, async (t) => {
  checkPath(t, new Harness(t), undefined);
});

t.test('absolute cgroupsPath: the same path below every mount', { skip: skipUnlessRoot || skipUnderSystemd }, async (t) => {
  const parent = `/${ID_PREFIX}abs-${process.pid}`;
  t.teardown(() => removePath(parent));
  checkPath(t, new Harness(t), `${parent}/c`);
});

t.test('relative cgroupsPath: below the runtime\'s own cgroup (v1) or its parent (cgroup2)', { skip: skipUnlessRoot || skipUnderSystemd }, async (t) => {
  const parent = `${ID_PREFIX}rel-${process.pid}`;
  t.teardown(() => removePath(parent));
  checkPath(t, new Harness(t), `${parent}/c`);
});

const FUSE = { path: '/dev/rtst-fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 };

/** Runs `open /dev/rtst-fuse` in a container with that node and these device rules; returns what it printed. */
function openFuse(h: Harness, rules: object[]): string {
  const b = h.bundle(['open', FUSE.path], (s) => {
    s.linux!.devices = [FUSE];
    s.linux!.resources!.devices = rules as never;
  });
  const r = h.run(b);
  return (r.stdout + r.stderr).trim();
}

t.test('devices: a node made through linux.devices opens only if a rule allows it', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const denyAll = { allow: false, access: 'rwm' };
  t.equal(openFuse(h, [denyAll]), 'errno EPERM', 'denied by default (runc\'s default spec denies all)');
  t.equal(openFuse(h, [denyAll, { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }]), 'ok', 'allowed by c 10:229 rw');
  t.equal(openFuse(h, [{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' }]), 'errno EPERM',
    'a later deny wins over an earlier allow-all');
  t.equal(openFuse(h, [denyAll, { allow: true, type: 'c', major: 10, minor: -1, access: 'r' }]), 'ok', 'a wildcard minor, read only');
});

t.test('devices: the v1 devices.list of a created container', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  if (controllerDir(process.pid, 'devices')?.version !== 1) { t.pass('skipped', { skip: 'no v1 devices controller (cgroup v2 uses an eBPF filter, tested above from inside)' }); return; }
  const c = createWith(h, { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }] });
  t.equal(c.r.status, 0, c.r.stderr);
  const list = cgFile(c.pid, 'devices', 'devices.list')!.split('\n');
  t.ok(list.includes('c 10:229 rw'), 'the allowed rule');
  t.ok(list.includes('c 1:3 rwm'), 'runc\'s default rules: /dev/null');
  t.notOk(list.includes('a *:* rwm'), 'not everything');
});

t.test('create refused on a frozen cgroup leaves only what was there before (issue 13: 13)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const path = `/${ID_PREFIX}frozen-${process.pid}`;
  t.teardown(() => removePath(path));
  const want = expectedDirs(path);
  const freezer = want.freezer ?? want[''];
  mkdirSync(freezer);
  writeFileSync(join(freezer, want.freezer ? 'freezer.state' : 'cgroup.freeze'), want.freezer ? 'FROZEN' : '1');
  const c = createWith(h, {}, ['hold'], (s) => { s.linux!.cgroupsPath = path; });
  t.equal(c.r.status, 1, 'create fails');
  t.match(c.r.stderr, /frozen/, 'because the cgroup is frozen');
  t.equal(h.state(c.id), undefined, 'no container is left');
  t.same(existing(want), [freezer], 'only the frozen cgroup, which was there before, is left');
  if (want.freezer) writeFileSync(join(freezer, 'freezer.state'), 'THAWED');
});
