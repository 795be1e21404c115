// The brief's security table (section 4), through the command line, so that the same cases
// run against runc (RUNTIME=runc): conformance/security.md records both results. The rootfs
// cases are also tested against the Node init directly in test/integration/rootfs-security;
// the console case is in test/integration/console, exec --cap in test/integration/exec.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, Harness, info, IS_RUNC, REPO, skipUnlessRoot, type Bundle } from '../lib/runtime.js';
import { mountsUnder } from '../lib/host.js';

/** runc 1.1.5 (Debian 12) predates these fixes; its result is recorded, not required. */
const RUNC_VULNERABLE = {
  devnull: IS_RUNC && 'runc 1.1.5 predates the fix for CVE-2025-31133 (masked paths through a fake /dev/null)',
};

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** The host binaries a container could try to overwrite through /proc/<pid>/exe. */
function hostBinaries(): string[] {
  const list = IS_RUNC ? [BIN.startsWith('/') ? BIN : '/usr/sbin/runc']
    : [process.execPath, join(REPO, 'native/build/runts-nsexec'), join(REPO, 'native/build/runts-finalize')];
  return list.filter((p) => existsSync(p));
}

function noMountsOutside(t: Test, dir: string): void {
  t.same(mountsUnder(dir), [], `no host mount under ${dir}`);
}

t.test('CVE-2019-5736: /proc/<pid>/exe of the waiting init and of exec\'d processes cannot be written', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const before = Object.fromEntries(hostBinaries().map((p) => [p, sha(p)]));
  const id = h.id();
  const b = h.bundle(['hold'], (s) => { s.root!.readonly = false; });
  t.equal(h.rt(['create', '--bundle', b.dir, id]).status, 0);
  const pid = h.state(id)!.pid;
  // From the host: the created init (the runtime's last stage, waiting for start).
  let err = '';
  try { closeSync(openSync(`/proc/${pid}/exe`, 'r+')); } catch (e) { err = (e as NodeJS.ErrnoException).code ?? ''; }
  // EROFS: runts-finalize runs from a read-only overlayfs (src/linux/exe-seal.ts); ETXTBSY or EPERM: from a copy
  t.match(err, /^(EROFS|ETXTBSY|EPERM|EACCES)$/, `opening the created init's exe for writing fails (${err || 'it opened'})`);
  // From inside: a process exec'd into the created container writes to PID 1's exe.
  const r = h.rt(['exec', id, '/multitool', 'write', '/proc/1/exe', 'pwned']);
  t.match(r.stdout.trim(), /^errno (ETXTBSY|EPERM|EACCES|ENOENT|EROFS)$/, `writing /proc/1/exe from inside fails: ${r.stdout}${r.stderr}`);
  // (with CAP_SYS_PTRACE, and a write after the stage is gone: exe-ptrace.test.ts)
  t.equal(h.rt(['start', id]).status, 0);
  h.waitForState(id, 'running');
  const r2 = h.rt(['exec', id, '/multitool', 'write', '/proc/self/exe', 'pwned']);
  t.match(r2.stdout.trim(), /^errno (ETXTBSY|EPERM|EACCES)$/, `an exec'd process cannot write its own exe: ${r2.stdout}`);
  t.equal(h.rt(['delete', '--force', id]).status, 0);
  for (const [p, hash] of Object.entries(before)) t.equal(sha(p), hash, `${p} unchanged`);
});

t.test('CVE-2024-21626: process.cwd = /proc/self/fd/N fails for N in 3..20', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  // Hold a few extra host fds open in the runtime, as a leak would.
  const extra = [join(h.dir, 'a'), join(h.dir, 'b')];
  for (const f of extra) writeFileSync(f, 'x');
  for (let n = 3; n <= 20; n++) {
    const b = h.bundle(['info'], (s) => { s.process!.cwd = `/proc/self/fd/${n}`; });
    const r = h.rt(['run', '--bundle', b.dir, h.id()], { fds: extra });
    if (r.status === 0) {
      // Only acceptable if the process ended up inside its root (never a host directory).
      const cwd = info(r.stdout).cwd as string;
      t.notOk(cwd.startsWith('(unreachable)') || cwd === '', `fd ${n}: cwd ${cwd} is inside the container`);
    } else {
      t.equal(r.status, 1, `fd ${n}: run fails`);
    }
  }
});

t.test('CVE-2024-21626: the container sees only fds 0-2, plus --preserve-fds', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const extra = [join(h.dir, 'a'), join(h.dir, 'b'), join(h.dir, 'c')];
  for (const f of extra) writeFileSync(f, 'x');
  let r = h.rt(['run', '--bundle', h.bundle(['info']).dir, h.id()], { fds: extra });
  t.equal(r.status, 0, r.stderr);
  t.same(info(r.stdout).fds, [0, 1, 2], 'inherited fds of the runtime do not reach the container');
  r = h.rt(['run', '--preserve-fds', '2', '--bundle', h.bundle(['info']).dir, h.id()], { fds: extra });
  t.equal(r.status, 0, r.stderr);
  t.same(info(r.stdout).fds, [0, 1, 2, 3, 4], 'exactly the preserved ones');
});

/** A bundle whose rootfs has `outside` (a host dir under the test's temp dir) reachable by a symlink. */
function escapeBundle(h: Harness, edit: (b: Bundle, outside: string) => void): { b: Bundle; outside: string } {
  const outside = join(h.dir, 'outside');
  mkdirSync(outside, { recursive: true });
  const b = h.bundle(['ls', '/escape']);
  edit(b, outside);
  b.write();
  return { b, outside };
}

t.test('CVE-2021-30465: a mount destination that is a symlink out of the rootfs mounts nothing outside', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { b, outside } = escapeBundle(h, (b, outside) => {
    symlinkSync(outside, join(b.rootfs, 'escape'));
    b.spec.mounts!.push({ destination: '/escape', type: 'tmpfs', source: 'tmpfs' }, { destination: '/escape/sub', type: 'tmpfs', source: 'tmpfs' });
  });
  h.run(b);
  t.same(readdirSync(outside), [], 'nothing created in the host dir');
  noMountsOutside(t, outside);
});

t.test('CVE-2024-45310/CVE-2021-30465: a destination racing to become a symlink never escapes', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const outside = join(h.dir, 'outside');
  mkdirSync(outside);
  const b = h.bundle(['true'], (s) => {
    for (let i = 0; i < 8; i++) s.mounts!.push({ destination: `/race/d${i}/inner`, type: 'tmpfs', source: 'tmpfs' });
  });
  // A host process flips rootfs/race between a directory and a symlink to `outside`.
  const race = join(b.rootfs, 'race');
  const flipper = spawn('sh', ['-c', `while :; do rm -rf ${race}; mkdir -p ${race}; rm -rf ${race}; ln -s ${outside} ${race}; done`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 15; i++) h.run(b);
  } finally {
    flipper.kill('SIGKILL');
    await new Promise((r) => flipper.on('exit', r));
  }
  t.same(readdirSync(outside), [], 'nothing created in the host dir');
  noMountsOutside(t, outside);
  rmSync(race, { recursive: true, force: true });
});

t.test('CVE-2019-16884: a rootfs whose /proc is a symlink is refused', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true']);
  rmSync(join(b.rootfs, 'proc'), { recursive: true });
  mkdirSync(join(b.rootfs, 'fakeproc'));
  symlinkSync('/fakeproc', join(b.rootfs, 'proc'));
  const r = h.run(b);
  t.equal(r.status, 1, `refused: ${r.stderr.trim()}`);
  t.match(r.stderr, /proc/);
});

t.test('CVE-2023-27561: a mount over /proc that is not procfs is refused', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true'], (s) => { s.mounts!.push({ destination: '/proc', type: 'tmpfs', source: 'tmpfs' }); });
  const r = h.run(b);
  t.equal(r.status, 1, `refused: ${r.stderr.trim()}`);
  t.match(r.stderr, /proc/);
});

t.test('CVE-2025-31133: an image whose /dev/null is a symlink makes create fail, nothing made writable', {
  skip: skipUnlessRoot, todo: RUNC_VULNERABLE.devnull,
}, async (t) => {
  const h = new Harness(t);
  const target = join(h.dir, 'host-file');
  writeFileSync(target, 'original');
  // No /dev tmpfs: the image's own /dev is used, and its null is a symlink to a host file.
  const b = h.bundle(['true'], (s) => {
    s.mounts = s.mounts!.filter((m) => !m.destination.startsWith('/dev'));
    s.linux!.maskedPaths = ['/proc/kcore', '/proc/sys/kernel/core_pattern'];
    s.linux!.readonlyPaths = [];
  });
  symlinkSync(target, join(b.rootfs, 'dev/null'));
  const r = h.run(b);
  t.equal(r.status, 1, `create fails: ${r.stderr.trim()}`);
  t.equal(readFileSync(target, 'utf8'), 'original', 'the host file is untouched');
  noMountsOutside(t, h.dir);
});

t.test('CVE-2025-31133: an image /dev/null that is a regular file is refused too', {
  skip: skipUnlessRoot, todo: RUNC_VULNERABLE.devnull,
}, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true'], (s) => {
    s.mounts = s.mounts!.filter((m) => !m.destination.startsWith('/dev'));
    s.linux!.maskedPaths = ['/proc/kcore'];
  });
  writeFileSync(join(b.rootfs, 'dev/null'), '');
  const r = h.run(b);
  t.equal(r.status, 1, `create fails: ${r.stderr.trim()}`);
});
