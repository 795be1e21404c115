// Behaviours the runtime-tools validation suite checks (conformance/runtime-tools.md), each
// shown here from inside or beside a real container: a fifo in linux.devices, the state the
// create-phase hooks read on stdin, the order of v1 devices cgroup rules, mounts of a container
// without a mount namespace, and joining another container's mount namespace by path.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { Harness, IS_RUNC, MULTITOOL, skipUnlessRoot } from '../lib/runtime.js';
import { controllerDir, mountsUnder } from '../lib/host.js';
import type { Spec } from '../../src/spec/types.js';

t.test('a fifo in linux.devices ignores the major and minor it is given', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['stat', '/dev/fifo'], (s) => {
    s.linux!.devices = [{ path: '/dev/fifo', type: 'p', major: 8, minor: 666, fileMode: 0o660 }];
  }));
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.trim(), 'p 660 0 0 0:0', 'a fifo, mode 0660, no device numbers');
});

const hookName = (c: { env: string[] }) => c.env.find((e) => e.startsWith('HOOK='))?.slice(5);

t.test('create-phase hooks read the state with status "created"', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const log = join(h.dir, 'hooks.log');
  const hook = (name: string) => ({ path: MULTITOOL, args: ['multitool', 'hook', log], env: [`HOOK=${name}`] });
  const b = h.bundle(['true'], (s) => {
    s.annotations = { 'org.example.key': 'value' };
    s.hooks = { prestart: [hook('prestart')], createRuntime: [hook('createRuntime')], createContainer: [hook('createContainer')] };
  });
  const id = h.id();
  const r = h.rt(['create', '--bundle', b.dir, id]);
  t.equal(r.status, 0, r.stderr);
  const pid = h.state(id)!.pid;
  const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.same(calls.map((c) => hookName(c)), ['prestart', 'createRuntime', 'createContainer'], 'in the spec\'s order');
  for (const c of calls) {
    const st = JSON.parse(c.stdin);
    t.match(st, { id, bundle: b.dir, annotations: { 'org.example.key': 'value' } }, `${hookName(c)}: id, bundle, annotations`);
    // state.pid is the pid "as seen by the host"; runc 1.1.5 gives createContainer hooks 1.
    t.equal(st.pid, pid, `${hookName(c)}: pid`, { skip: IS_RUNC && hookName(c) === 'createContainer' && 'runc 1.1.5 passes 1' });
    // runtime.md: "created" is the status after step 2 (the environment); these hooks are steps 3 to 5.
    t.equal(st.status, 'created', `${hookName(c)}: status`, { skip: IS_RUNC && 'runc 1.1.5 says "creating"; runtime-tools\' hooks_stdin wants "created"' });
  }
  t.equal(h.rt(['delete', '--force', id]).status, 0);
});

const v1Devices = !controllerDir(process.pid, 'devices') || controllerDir(process.pid, 'devices')!.version !== 1;

t.test('v1 devices cgroup: the config\'s rules are written first, in order, then the defaults',
  { skip: skipUnlessRoot || (v1Devices && 'the host has no v1 devices controller') }, async (t) => {
    const h = new Harness(t);
    const id = h.id();
    const b = h.bundle(['hold'], (s) => {
      s.linux!.cgroupsPath = `/${id}`;
      s.linux!.resources = {
        devices: [
          { allow: false, access: 'rwm' },
          { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' },
          { allow: true, type: 'b', major: 8, minor: 20, access: 'rw' },
          { allow: true, type: 'b', major: 10, minor: 200, access: 'r' },
        ],
      };
    });
    const r = h.rt(['create', '--bundle', b.dir, id]);
    t.equal(r.status, 0, r.stderr);
    const dir = controllerDir(h.state(id)!.pid, 'devices')!.dir;
    const list = readFileSync(join(dir, 'devices.list'), 'utf8').trim().split('\n');
    t.ok(list.includes('c 1:3 rwm') && list.includes('c *:* m'), 'the default rules are there');
    // config-linux.md: "The runtime MUST apply entries in the listed order"; v1 lists exceptions
    // in the order they were added. runc 1.1.5 writes every rule sorted by device number.
    t.same(list.slice(0, 3), ['c 10:229 rwm', 'b 8:20 rw', 'b 10:200 r'], 'the config\'s rules first, in order',
      { skip: IS_RUNC && 'runc 1.1.5 writes the rules sorted, defaults first' });
    t.equal(h.rt(['delete', '--force', id]).status, 0);
  });

/** runc and runts refuse masked and read-only paths without a mount namespace; no uts, no hostname. */
function noMountNs(s: Spec): void {
  delete s.linux!.maskedPaths;
  delete s.linux!.readonlyPaths;
  delete s.hostname;
}

t.test('without a mount namespace the config\'s mounts are made in the runtime\'s, and delete removes them',
  { skip: skipUnlessRoot }, async (t) => {
    const h = new Harness(t);
    const b = h.bundle(['stat', '/dev/null'], (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'mount' && n.type !== 'uts');
      noMountNs(s);
    });
    const id = h.id();
    const r = h.rt(['create', '--bundle', b.dir, id]);
    t.equal(r.status, 0, r.stderr);
    if (r.status !== 0) return;
    const pid = h.state(id)!.pid;
    t.equal(readlinkSync(`/proc/${pid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'), 'the runtime\'s mount namespace');
    const mounted = mountsUnder(b.rootfs);
    for (const d of ['/proc', '/dev', '/dev/pts', '/sys']) t.ok(mounted.includes(b.rootfs + d), `${d} is mounted, seen from the host`);
    t.equal(h.rt(['start', id]).status, 0);
    h.waitForState(id, 'stopped');
    t.equal(h.rt(['delete', id]).status, 0);
    t.same(mountsUnder(b.rootfs), [], 'nothing mounted under the rootfs after delete', { skip: IS_RUNC && 'runc 1.1.5 leaves the mounts on the host' });
    forgetRuncMounts(b.rootfs);
    const none = h.bundle(['stat', '/dev/null'], (s) => { s.linux!.namespaces = []; noMountNs(s); });
    t.equal(h.run(none).stdout.trim(), 'c 666 0 0 1:3', 'no namespace at all: /dev/null is the 1:3 node the runtime made');
    forgetRuncMounts(none.rootfs);
  });

/** runc 1.1.5 leaves a container's mounts on the host when it has no mount namespace; the harness would report them. */
function forgetRuncMounts(rootfs: string): void {
  if (IS_RUNC) for (const m of mountsUnder(rootfs)) spawnSync('umount', ['-l', m]);
}

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));

t.test('joining another container\'s mount namespace runs nothing from that container\'s files',
  { skip: skipUnlessRoot || (!BUSYBOX && 'no busybox on the host (the trap is a busybox script)') }, async (t) => {
    const h = new Harness(t);
    // A's image has a script where the host's node binary is (runts' init runs on node):
    // anything runts looked up by path in A's namespace would run it, as root.
    const a = h.bundle(['hold'], (s) => { s.root!.readonly = false; });
    copyFileSync(BUSYBOX!, join(a.rootfs, 'busybox'));
    const trap = join(a.rootfs, process.execPath);
    mkdirSync(dirname(trap), { recursive: true });
    writeFileSync(trap, '#!/busybox sh\n/busybox touch /ran\n', { mode: 0o755 });
    const aId = h.id();
    let r = h.rt(['run', '-d', '--bundle', a.dir, aId]);
    t.equal(r.status, 0, r.stderr);
    if (r.status !== 0) return;
    const aPid = h.state(aId)!.pid;
    const b = h.bundle(['true'], (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'mount' ? { type: 'mount' as const, path: `/proc/${aPid}/ns/mnt` } : n));
    });
    r = h.rt(['create', '--bundle', b.dir, h.id()]);
    t.not(r.status, 0, 'B\'s rootfs is not in A\'s namespace: create fails');
    t.notOk(existsSync(join(a.rootfs, 'ran')), 'nothing of A\'s ran');
  });
