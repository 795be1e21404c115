// process.*: args, env (HOME as runc fills it in), cwd, user, rlimits, no_new_privs, oom_score_adj,
// the five capability sets, stdio without a terminal, and the session keyring. Every assertion
// is on what the container prints from inside.
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPABILITIES } from '../../src/spec/features.js';
import type { Spec } from '../../src/spec/types.js';
import { Harness, info, MULTITOOL, skipUnlessRoot } from '../lib/runtime.js';
import { run as hostRun } from '../lib/host.js';

/** The mask /proc/<pid>/status prints for a set of capability names. */
const capHex = (names: string[]): string =>
  names.reduce((m, n) => m | (1n << BigInt(CAPABILITIES.indexOf(n))), 0n).toString(16).padStart(16, '0');

/** Runs `multitool info` with the spec edited; fails the test (and returns {}) if the run fails. */
function infoOf(t: Test, h: Harness, edit: (s: Spec) => void, setup?: (rootfs: string) => void): Record<string, any> {
  const b = h.bundle(['info'], edit);
  setup?.(b.rootfs);
  const r = h.run(b);
  t.equal(r.status, 0, `run: ${r.stderr}`);
  return r.status === 0 ? info(r.stdout) : {};
}

t.test('args: passed as given; argv[0] looked up in the PATH of process.env', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  let r = h.run(h.bundle(['echo', 'a  b', '', '"q"', '$HOME', '*']));
  t.equal(r.stdout, 'a  b  "q" $HOME *\n', 'no shell, no splitting, empty args kept');
  const b = h.bundle(['echo', 'found'], (s) => {
    s.process!.args = ['multitool', 'echo', 'found'];
    s.process!.env = ['PATH=/nonexistent:/'];
  });
  r = h.run(b);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'found\n', 'a bare name found through PATH');
});

t.test('env: exactly process.env, plus HOME when it has none (as runc)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const env = ['PATH=/bin', 'A=1', 'B=x=y', 'EMPTY=', 'SPACE=a b'];
  t.same(infoOf(t, h, (s) => { s.process!.env = env; }).env, [...env, 'HOME=/'], 'HOME=/ without an /etc/passwd entry');
  t.same(infoOf(t, h, (s) => { s.process!.env = ['HOME=/custom', ...env]; }).env, ['HOME=/custom', ...env], 'a given HOME is kept');
  const passwd = (rootfs: string) => writeFileSync(join(rootfs, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\n# comment\nuser:x:1000:1000::/home/user:/bin/sh\n');
  t.same(infoOf(t, h, (s) => { s.process!.env = ['A=1']; }, passwd).env, ['A=1', 'HOME=/root'], "root's home from /etc/passwd");
  t.same(infoOf(t, h, (s) => { s.process!.env = ['A=1']; s.process!.user = { uid: 1000, gid: 1000 }; }, passwd).env,
    ['A=1', 'HOME=/home/user'], "the uid's home from /etc/passwd");
  t.same(infoOf(t, h, (s) => { s.process!.env = ['A=1']; s.process!.user = { uid: 1001, gid: 1000 }; }, passwd).env,
    ['A=1', 'HOME=/'], 'a uid without an entry gets /');
});

t.test('env: a variable given twice keeps its first place and its last value (as runc)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['info'], (s) => { s.process!.env = ['A=1', 'PATH=/bin', 'B=2', 'A=3']; }));
  t.equal(r.status, 0, r.stderr);
  t.same(info(r.stdout).env, ['A=3', 'PATH=/bin', 'B=2', 'HOME=/']);
});

t.test('signals: none ignored or blocked in the process (Node ignores SIGPIPE; that must not leak)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['cat', '/proc/self/status']));
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^SigBlk:\t0000000000000000$/m);
  t.match(r.stdout, /^SigIgn:\t0000000000000000$/m);
});

t.test('stdio: a non-root process can reopen its stdout (as runc: it is made the user\'s)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['write', '/proc/self/fd/1', 'reopened\n'], (s) => { s.process!.user = { uid: 1000, gid: 1000 }; }));
  t.equal(r.status, 0, `the write succeeded: ${r.stdout}${r.stderr}`);
  t.notMatch(r.stdout, /errno/);
});

t.test('cwd: entered, and created when missing', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  t.equal(infoOf(t, h, (s) => { s.process!.cwd = '/tmp'; }).cwd, '/tmp');
  t.equal(infoOf(t, h, (s) => { s.process!.cwd = '/made/by/runtime'; s.root!.readonly = false; }).cwd, '/made/by/runtime');
});

t.test('user: uid, gid, additionalGids, umask', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const i = infoOf(t, h, (s) => { s.process!.user = { uid: 1000, gid: 1001, additionalGids: [5, 2000, 1001], umask: 0o027 }; });
  t.match(i, { uid: 1000, euid: 1000, gid: 1001, egid: 1001, umask: 0o027 });
  t.same([...i.groups].sort((a: number, b: number) => a - b), [5, 1001, 2000], 'exactly the additional gids');
  t.same(infoOf(t, h, (s) => { s.process!.user = { uid: 0, gid: 0 }; }).groups, [], 'no additional gids: no groups');
  t.equal(infoOf(t, h, (s) => { s.process!.user = { uid: 0, gid: 0, umask: 0 }; }).umask, 0, 'umask 0');
  const callers = process.umask(0o077);
  try {
    t.equal(infoOf(t, h, (s) => { s.process!.user = { uid: 0, gid: 0 }; }).umask, 0o022, "no umask: 0022, not the caller's (as runc)");
  } finally { process.umask(callers); }
});

t.test('rlimits: soft and hard of several types', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  // Raising a hard limit needs CAP_SYS_RESOURCE, which a host may not give even to root: stay at
  // or under the host's hard limits (-1 is unlimited).
  const host: Record<string, [number, number]> = info(hostRun([MULTITOOL, 'info']).stdout).rlimits;
  const under = (type: string, v: number) => (host[type][1] < 0 ? v : Math.min(v, host[type][1]));
  const want = ([
    ['RLIMIT_NOFILE', 512, 4096], ['RLIMIT_CORE', 0, 2 ** 20], ['RLIMIT_CPU', 100, 200], ['RLIMIT_FSIZE', 2 ** 30, 2 ** 32],
    ['RLIMIT_MEMLOCK', 65536, 131072], ['RLIMIT_STACK', 4 << 20, 16 << 20], ['RLIMIT_MSGQUEUE', 1000, 2000],
    ['RLIMIT_LOCKS', 10, 20], ['RLIMIT_SIGPENDING', 100, 200],
  ] as const).map(([type, soft, hard]) => ({ type, soft: under(type, soft), hard: under(type, hard) }));
  const i = infoOf(t, h, (s) => { s.process!.rlimits = want; });
  for (const { type, soft, hard } of want) t.same(i.rlimits?.[type], [soft, hard], type);
});

t.test('noNewPrivileges and oomScoreAdj', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  t.equal(infoOf(t, h, (s) => { s.process!.noNewPrivileges = true; }).NoNewPrivs, '1');
  t.equal(infoOf(t, h, (s) => { s.process!.noNewPrivileges = false; }).NoNewPrivs, '0');
  t.equal(infoOf(t, h, (s) => { s.process!.oomScoreAdj = 500; }).oomScoreAdj, 500);
  const hostCaps = BigInt('0x' + info(hostRun([MULTITOOL, 'info']).stdout).CapEff);
  t.test('a negative oomScoreAdj', { skip: hostCaps >> 24n & 1n ? false : 'lowering oom_score_adj needs CAP_SYS_RESOURCE, which this host does not give' }, async (t) => {
    t.equal(infoOf(t, h, (s) => { s.process!.oomScoreAdj = -250; }).oomScoreAdj, -250);
  });
});

t.test('capabilities as root: bounding, inheritable, ambient; permitted and effective after exec', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const bounding = ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETUID', 'CAP_SYS_ADMIN'];
  const permitted = ['CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETUID'];
  const caps = (nnp: boolean) => (s: Spec) => {
    s.process!.noNewPrivileges = nnp;
    s.process!.capabilities = {
      bounding, effective: ['CAP_KILL'], permitted,
      inheritable: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'], ambient: ['CAP_NET_BIND_SERVICE'],
    };
  };
  const i = infoOf(t, h, caps(true));
  t.equal(i.CapBnd, capHex(bounding), 'bounding set');
  t.equal(i.CapInh, capHex(['CAP_KILL', 'CAP_NET_BIND_SERVICE']), 'inheritable set');
  t.equal(i.CapAmb, capHex(['CAP_NET_BIND_SERVICE']), 'ambient set');
  // uid 0 execs as if the file had every capability, but no_new_privs caps that gain at the
  // permitted set the process had; the effective set after exec is the permitted one (the
  // configured effective set only lasts until execve).
  t.equal(i.CapPrm, capHex(permitted), 'permitted set (no_new_privs)');
  t.equal(i.CapEff, capHex(permitted), 'effective after exec: the permitted set');
  const free = infoOf(t, h, caps(false));
  t.equal(free.CapPrm, capHex(bounding), 'without no_new_privs root gains its bounding set at exec');
  t.equal(free.CapBnd, capHex(bounding));
  const none = infoOf(t, h, (s) => { s.process!.capabilities = {}; s.process!.noNewPrivileges = false; });
  t.match(none, { CapBnd: capHex([]), CapPrm: capHex([]), CapEff: capHex([]), CapInh: capHex([]), CapAmb: capHex([]) }, 'no capabilities at all');
});

t.test('capabilities of a non-root user: ambient ones survive the uid change and the exec', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const caps = {
    bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SETUID'],
    effective: ['CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'],
    permitted: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'],
    inheritable: ['CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETUID'],
    // CAP_NET_RAW is not inheritable: the kernel refuses it as ambient, and it is left out.
    ambient: ['CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'],
  };
  const i = infoOf(t, h, (s) => { s.process!.user = { uid: 1000, gid: 1000 }; s.process!.capabilities = caps; });
  t.equal(i.uid, 1000);
  t.equal(i.CapBnd, capHex(caps.bounding), 'bounding set');
  t.equal(i.CapInh, capHex(caps.inheritable), 'inheritable set');
  const amb = capHex(['CAP_KILL', 'CAP_NET_BIND_SERVICE']);
  t.equal(i.CapAmb, amb, 'ambient: the permitted and inheritable ones');
  t.equal(i.CapPrm, amb, 'permitted after exec: the ambient set');
  t.equal(i.CapEff, amb, 'effective after exec: the ambient set');
  const plain = infoOf(t, h, (s) => { s.process!.user = { uid: 1000, gid: 1000 }; s.process!.capabilities!.ambient = []; });
  t.match(plain, { CapPrm: capHex([]), CapEff: capHex([]), CapAmb: capHex([]) }, 'without ambient caps a user has none after exec');
});

t.test('terminal false: stdin, stdout and stderr are the runtime caller\'s', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const input = 'line one\nline two\n\0binary\xff\n';
  let r = h.rt(['run', '--bundle', h.bundle(['stdin']).dir, h.id()], { input });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, input, 'stdin reaches the process, its stdout comes back');
  r = h.rt(['run', '--bundle', h.bundle(['then', 'stdin', '--', 'nosuchcommand']).dir, h.id()], { input: 'abc' });
  t.equal(r.status, 2, 'exit status of the process');
  t.equal(r.stdout, 'abc', 'a child inherits stdin too');
  t.match(r.stderr, /multitool: unknown command nosuchcommand/, 'stderr comes back');
});

const hostKeyring = hostRun([MULTITOOL, 'keyring']).stdout;
const noKeyrings = hostKeyring.startsWith('errno') && `this kernel gives no session keyring: ${hostKeyring.trim()}`;

t.test('session keyring: a new one named _ses.<id>, or the caller\'s with --no-new-keyring', { skip: skipUnlessRoot || noKeyrings }, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['keyring']);
  const id = h.id();
  let r = h.run(b, id);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout.trim(), new RegExp(`^keyring;0;0;[0-9a-f]+;_ses\\.${id}$`), 'a new session keyring');
  r = h.run(b, h.id(), ['--no-new-keyring']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, hostKeyring, 'the session keyring of the caller');
});

