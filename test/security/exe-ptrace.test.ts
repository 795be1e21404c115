// CVE-2019-5736 with CAP_SYS_PTRACE (issue 12, point 1; brief rule 5): a process in a container
// with Docker's default capabilities plus CAP_SYS_PTRACE opens /proc/<pid>/exe of a runtime stage
// that runs in its pid namespace with O_PATH, and once the stage has exited or exec'd its next
// stage, reopens it through /proc/self/fd/N for writing (multitool exewatch). Three places where a
// stage runs in a pid namespace a container can see:
// - create: the created init (runts-finalize; runc's `runc init`), from a process exec'd into the
//   created container, the write tried after `start`;
// - exec: the stage the runtime forks into the container's pid namespace (runts-nsexec's clone
//   child, before it execs runts-finalize; runc's stage-2 `runc init`);
// - create joining another container's pid namespace: the new container's init while it sets up
//   (runts: the init's engine, Node today; runc: `runc init`), held by a createRuntime hook until
//   the watcher has its fd.
// No write may go through (a sealed memfd may open for writing but refuses the write), and the
// host's binaries keep their hashes. The watcher writes back the byte it read, so even a runtime
// that fails this test is not damaged. Results for runts and runc: conformance/security.md.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, Harness, IS_RUNC, REPO, skipUnlessRoot, waitFor, type Bundle } from '../lib/runtime.js';
import type { Spec } from '../../src/spec/types.js';

/** Docker's default capabilities, and CAP_SYS_PTRACE (`docker run --cap-add SYS_PTRACE`). */
const CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
  'CAP_SYS_PTRACE'];
const WATCH = '/exewatch';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Every host binary a stage of the runtime runs from. */
function runtimeBinaries(): string[] {
  if (IS_RUNC) return [realpathSync(BIN.startsWith('/') ? BIN : spawnSync('sh', ['-c', `command -v ${BIN}`], { encoding: 'utf8' }).stdout.trim())];
  const node = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim();
  return [realpathSync(node), BIN, ...['runts-nsexec', 'runts-finalize', 'runts-idmap'].map((b) => join(REPO, 'native/build', b))]
    .filter((p) => existsSync(p));
}

function attacker(s: Spec): void {
  s.root!.readonly = false;
  const caps = s.process!.capabilities!;
  caps.bounding = caps.effective = caps.permitted = [...CAPS];
  caps.ambient = caps.inheritable = [];
  s.process!.noNewPrivileges = false;
}

interface Watch {
  dir: string; put(name: string): void; wait(name: string): string; waitText(name: string, text: string): void;
  held(): string; result(): Record<string, string>;
}

/** The host side of exewatch's files (rootfs/exewatch). */
function watchDir(b: Bundle): Watch {
  const dir = join(b.rootfs, WATCH);
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  const wait = (name: string) => waitFor(`the watcher's ${name}`, () => existsSync(file(name)) && readFileSync(file(name), 'utf8'), 20_000, 5);
  return {
    dir, wait,
    waitText: (name, text) => { waitFor(`the watcher's ${name} to say ${text}`, () => existsSync(file(name)) && readFileSync(file(name), 'utf8') === text, 20_000, 5); },
    put: (name) => writeFileSync(file(name), ''),
    held: () => wait('held').trim(),
    result: () => Object.fromEntries(wait('result').trim().split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)])),
  };
}

/** What the attack got. Sealed: no write went through, and none ever can: the file is on a
 * read-only mount or filesystem (access(W_OK) says EROFS), or it is a sealed copy (it opens for
 * writing, but the write fails with EPERM). ETXTBSY is no seal: it lasts only while some process
 * runs the binary (the host's node always is busy while this test runs under it). */
function checkResult(t: Test, r: Record<string, string>, what: string): void {
  t.comment(`${what}: ${JSON.stringify(r)}`);
  t.not(r.pwrite, 'ok', `${what}: no write reaches ${r.exe}`);
  const sealed = r.access === 'errno EROFS' || (r.wronly === 'ok' && r.pwrite === 'errno EPERM');
  t.ok(sealed, `${what}: read-only for good (access ${r.access}, write-open ${r.wronly}, write ${r.pwrite})`);
  if (sealed) t.match(r.trunc, /^errno (EROFS|EPERM)$/, `${what}: O_RDWR|O_TRUNC fails: ${r.trunc}`);
}

function unchanged(t: Test, before: Record<string, string>): void {
  for (const [p, hash] of Object.entries(before)) t.equal(sha(p), hash, `${p} unchanged`);
}

const hashes = () => Object.fromEntries(runtimeBinaries().map((p) => [p, sha(p)]));

t.test('create: the created init\'s exe, held from an exec\'d process, cannot be written after start', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const before = hashes();
  const b = h.bundle(['hold'], attacker);
  const w = watchDir(b);
  const id = h.id();
  t.equal(h.rt(['create', '--bundle', b.dir, id]).status, 0);
  const r = h.rt(['exec', '-d', id, '/multitool', 'exewatch', '1', WATCH]);
  t.equal(r.status, 0, r.stderr);
  w.put('hold');
  const held = w.held();
  t.match(held, /^1 \S/, `the watcher holds PID 1's exe: ${held}`);
  t.equal(h.rt(['start', id]).status, 0);
  h.waitForState(id, 'running');
  w.put('go');
  checkResult(t, w.result(), 'the created init');
  t.equal(h.rt(['delete', '--force', id]).status, 0);
  unchanged(t, before);
});

t.test('exec: the stage forked into the container\'s pid namespace cannot be written after it exec\'d', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const before = hashes();
  // runts-nsexec's child runs for well under a millisecond before it execs runts-finalize; runc
  // 1.1.5's stage-2 `runc init` runs for milliseconds, from a read-only bind mount of runc itself,
  // detached (its exe reads "/"). The watcher spins on the pid the namespace gives out next and
  // holds the first catch that is the wanted stage; a round that caught only what came after
  // (runts-finalize, the exec'd process) is run again.
  const want = IS_RUNC ? '=/' : 'runts-nsexec', ROUNDS = 40;
  const b = h.bundle(['exewatch', 'next', WATCH, want], attacker);
  const w = watchDir(b);
  const id = h.id();
  t.equal(h.rt(['run', '-d', '--bundle', b.dir, id]).status, 0);
  const seen: string[] = [];
  for (let round = 0; round < ROUNDS && !seen.some((x) => x.startsWith('held')); round++) {
    w.waitText('ready', String(round));
    const r = h.rt(['exec', id, '/multitool', 'true']);
    t.equal(r.status, 0, r.stderr);
    w.put(`done-${round}`);
    seen.push(w.wait(`seen-${round}`).trim());
  }
  t.comment(`caught, round by round: ${seen.join(', ')}`);
  const held = seen.find((x) => x.startsWith('held'));
  t.ok(held, `the watcher caught ${want} in at most ${ROUNDS} rounds`);
  if (held) {
    w.put('go');
    checkResult(t, w.result(), `the exec stage (${held})`);
  }
  t.equal(h.rt(['delete', '--force', id]).status, 0);
  unchanged(t, before);
});

t.test('create joining another container\'s pid namespace: the new init cannot be written after it exec\'d', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const before = hashes();
  const a = h.bundle(['exewatch', 'other', WATCH], attacker);
  const w = watchDir(a);
  const aid = h.id('a');
  t.equal(h.rt(['run', '-d', '--bundle', a.dir, aid]).status, 0);
  const apid = h.state(aid)!.pid;
  // The hook runs while the new init waits in the watcher's pid namespace, and lets it go on
  // only once the watcher holds its exe.
  const hook = `touch ${w.dir}/hold && while [ ! -e ${w.dir}/held ]; do sleep 0.01; done`;
  const b = h.bundle(['true'], (s) => {
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => n.type === 'pid' ? { type: 'pid', path: `/proc/${apid}/ns/pid` } : n);
    s.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', hook], timeout: 20 }] };
  });
  const bid = h.id('b');
  const r = h.rt(['create', '--bundle', b.dir, bid]);
  t.equal(r.status, 0, r.stderr);
  const held = w.held();
  t.match(held, /^\d+ \S/, `the watcher holds the new init's exe: ${held}`);
  w.put('go'); // create has returned: the init has exec'd its last stage
  checkResult(t, w.result(), `the init joining the pid namespace (${held})`);
  t.equal(h.rt(['delete', '--force', bid]).status, 0);
  t.equal(h.rt(['delete', '--force', aid]).status, 0);
  unchanged(t, before);
});
