// runc's `exec`: a new process in a running (or created) container, with every flag of runc's
// exec, seen from inside (multitool info) and from the host (namespaces, cgroups, pid files).
import t from 'tap';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, Harness, info, IS_RUNC, MULTITOOL, NAME, RT_ENV, skipUnlessRoot, waitFor, type Bundle } from '../lib/runtime.js';
import { alive, cmdline, nsLink } from '../lib/host.js';
import { receiver, rtArgv, typeWhenReady, withoutTerminal } from '../lib/console.js';

const NS = ['pid', 'mnt', 'net', 'ipc', 'uts', 'cgroup'];
const hostKeyring = spawnSync(MULTITOOL, ['keyring'], { encoding: 'utf8' }).stdout;
const noKeyrings = hostKeyring.startsWith('errno') && `this kernel gives no session keyring: ${hostKeyring.trim()}`;

/** A running container (multitool hold) and its id. */
function running(h: Harness, edit?: (b: Bundle['spec']) => void): { id: string; b: Bundle; pid: number } {
  const b = h.bundle(['hold'], edit), id = h.id();
  const r = h.rt(['run', '-d', '--bundle', b.dir, id]);
  if (r.status !== 0) throw new Error(`run -d: ${r.stderr}`);
  return { id, b, pid: h.state(id)!.pid };
}

t.test('exec with arguments: output, exit status, the container\'s view', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h);
  let r = h.rt(['exec', id, '/multitool', 'echo', 'hello', 'world']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'hello world\n');
  r = h.rt(['exec', id, '/multitool', 'info']);
  const i = info(r.stdout);
  t.equal(i.hostname, 'rtst', 'the container\'s uts namespace');
  t.not(i.pid, 1, 'not the init');
  t.equal(i.ppid, 0, 'its parent is outside the pid namespace');
  t.same(i.fds, [0, 1, 2], 'no host fd leaks into it');
  t.equal(i.NoNewPrivs, '1', 'the container process\'s noNewPrivileges');
  t.same(i.rlimits.RLIMIT_NOFILE, [1024, 1024], 'the container process\'s rlimits');
  t.equal(h.rt(['exec', id, '/multitool', 'exit', '7']).status, 7, 'exit status passed on');
  t.equal(h.rt(['exec', id, '/multitool', 'kill-self', '15']).status, 143, 'killed by SIGTERM: 128+15');
  t.equal(h.rt(['exec', id, 'multitool', 'true'], {}).status, 255, 'a bare name is looked up in the process\'s PATH');
});

t.test('the session keyring: the container\'s _ses.<id>, or the caller\'s after create --no-new-keyring', { skip: skipUnlessRoot || noKeyrings }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h);
  const init = h.rt(['exec', id, '/multitool', 'keyring']);
  t.equal(init.status, 0, init.stderr);
  t.match(init.stdout.trim(), new RegExp(`^keyring;0;0;[0-9a-f]+;_ses\\.${id}$`), 'the container\'s keyring, by its name');
  const b = h.bundle(['hold']), other = h.id();
  const r = h.rt(['run', '-d', '--no-new-keyring', '--bundle', b.dir, other]);
  t.equal(r.status, 0, r.stderr);
  t.equal(h.rt(['exec', other, '/multitool', 'keyring']).stdout, hostKeyring, 'with --no-new-keyring: the caller\'s');
});

const noPidsV1 = !existsSync('/sys/fs/cgroup/pids/cgroup.procs') && 'the host has no v1 pids hierarchy at /sys/fs/cgroup/pids';

t.test('--cgroup: the exec\'d process joins an existing sub-cgroup of the container\'s', { skip: skipUnlessRoot || noPidsV1 }, async (t) => {
  const h = new Harness(t);
  const { id, pid } = running(h);
  const own = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /^\d+:pids:/.test(l))!;
  mkdirSync(join('/sys/fs/cgroup/pids', own.split(':')[2], 'sub')); // delete removes it with the container's
  const r = h.rt(['exec', '--cgroup', 'pids:sub', id, '/multitool', 'cat', '/proc/self/cgroup']);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.match(lines.find((l) => /^\d+:pids:/.test(l)), /\/sub$/, 'pids: the sub-cgroup');
  t.same(lines.filter((l) => !/^\d+:pids:/.test(l) && l.endsWith('/sub')), [], 'the other hierarchies: the container\'s own');
  const fails: [string[], RegExp][] = [
    [['--cgroup', 'pids:nope'], /\/nope\b.*: no such file or directory/],
    [['--cgroup', 'a', '--cgroup', 'b'], /exec failed: invalid --cgroup argument: a \(missing <controller>: prefix\)/],
  ];
  for (const [flags, text] of fails) {
    const f = h.rt(['exec', ...flags, id, '/multitool', 'true']);
    t.equal(f.status, 255, `${flags.join(' ')}: exit 255`);
    t.match(f.stderr, text, `${flags.join(' ')}: ${f.stderr.trim()}`);
  }
  const up = h.rt(['exec', '--cgroup', 'pids:../..', id, '/multitool', 'true']);
  t.equal(up.status, 255, 'a path above the container\'s cgroup is refused');
  t.match(up.stderr, /\.\.\/\.\. is not a sub cgroup path/, up.stderr.trim());
});

t.test('exec failures exit 255 with runc\'s texts', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h);
  let r = h.rt(['exec', id, '/nosuch']);
  t.equal(r.status, 255);
  t.match(r.stderr, /exec failed: unable to start container process: exec: \\?"\/nosuch\\?": stat \/nosuch: no such file or directory/);
  r = h.rt(['exec', id, 'nosuch']);
  t.equal(r.status, 255);
  t.match(r.stderr, /exec failed: unable to start container process: exec: \\?"nosuch\\?": executable file not found in \$PATH/);
  r = h.rt(['exec', 'rtst-nosuch', '/multitool', 'true']);
  t.equal(r.status, 255);
  t.match(r.stderr, /exec failed: container does not exist/);
  r = h.rt(['exec', '-u', 'foo', id, '/multitool', 'true']);
  t.equal(r.status, 255);
  t.match(r.stderr, /exec failed: parsing foo as int for uid failed/);
  r = h.rt(['exec', '-g', '-1', id, '/multitool', 'true']);
  t.equal(r.status, 255);
  t.match(r.stderr, /additional-gids must be a positive number -1/);
  r = h.rt(['exec', '--additional-gids', 'abc', id, '/multitool', 'true']);
  t.equal(r.status, IS_RUNC ? 1 : 255, 'a gid that is not a number (runc: a flag error, exit 1, as its flag errors)');
  t.match(r.stderr, /invalid value \\?"abc\\?" for flag -additional-gids: strconv.ParseInt: parsing \\?"abc\\?": invalid syntax/);
  r = h.rt(['exec', '--console-socket', join(h.dir, 'none.sock'), id, '/multitool', 'true']);
  t.equal(r.status, 255);
  t.match(r.stderr, /cannot use console socket if runc will not detach or allocate tty/);
  r = h.rt(['exec', '-d', '-t', id, '/multitool', 'true']);
  t.equal(r.status, 255);
  t.match(r.stderr, /cannot allocate tty if runc will detach without setting console socket/);
});

t.test('exec checks its process as create checks config.json\'s, before anything starts', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id, pid } = running(h);
  const file = join(h.dir, 'process.json');
  const withFile = (extra: object) => {
    writeFileSync(file, JSON.stringify({ args: ['/multitool', 'true'], cwd: '/', user: { uid: 0, gid: 0 }, ...extra }));
    return h.rt(['exec', '--process', file, id]);
  };
  const refused = (r: ReturnType<Harness['rt']>, text: RegExp, what: string, runcText = text) => {
    t.equal(r.status, 255, `${what}: exit 255`);
    t.match(r.stderr, IS_RUNC ? runcText : text, what);
  };
  refused(withFile({ rlimits: [{ type: 'RLIMIT_NOSUCH', soft: 1, hard: 1 }] }),
    /exec failed: .*process\.json: \/rlimits\/0\/type: unknown rlimit type "RLIMIT_NOSUCH"/, 'an unknown rlimit', /wrong rlimit value: RLIMIT_NOSUCH/);
  refused(withFile({ cwd: 'tmp' }), /process\.json: \/cwd: Cwd must be an absolute path/, 'a relative cwd', /Cwd must be an absolute path/);
  refused(withFile({ env: ['NOEQUALS'] }), /process\.json: \/env\/0: invalid environment variable "NOEQUALS": missing '='/,
    'an env entry without "="', /invalid environment variable: \\?"NOEQUALS\\?"/);
  refused(h.rt(['exec', '--cwd', 'tmp', id, '/multitool', 'true']), /the exec process: \/cwd: Cwd must be an absolute path/, '--cwd relative',
    /Cwd must be an absolute path/);
  refused(h.rt(['exec', '--env', 'NOEQUALS', id, '/multitool', 'true']), /the exec process: \/env\/\d+: invalid environment variable "NOEQUALS"/,
    '--env without "="', /invalid environment variable: \\?"NOEQUALS\\?"/);
  if (!IS_RUNC) { // runc 1.1.5 accepts both: the last rlimit wins; the scheduler is unknown to it (runc 1.2 refuses the second)
    refused(withFile({ rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }, { type: 'RLIMIT_NOFILE', soft: 2, hard: 2 }] }),
      /process\.json: \/rlimits\/1\/type: duplicate rlimit type "RLIMIT_NOFILE"/, 'a duplicate rlimit');
    refused(withFile({ scheduler: { policy: 'SCHED_OTHER', priority: 3 } }),
      /process\.json: \/scheduler\/priority: scheduler\.priority can only be specified for SchedFIFO or SchedRR policy/, 'a priority for SCHED_OTHER');
  }
  const ps = h.rt(['ps', '--format', 'json', id]);
  t.same(JSON.parse(ps.stdout), [pid], 'no exec\'d process is left');
  t.equal(h.rt(['exec', id, '/multitool', 'true']).status, 0, 'the container still takes an exec');
});

t.test('the exec\'d process is in the container\'s namespaces and cgroup', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id, pid } = running(h);
  const pidFile = join(h.dir, 'exec.pid');
  const r = h.rt(['exec', '-d', '--pid-file', pidFile, id, '/multitool', 'hold']);
  t.equal(r.status, 0, r.stderr);
  const child = Number(readFileSync(pidFile, 'utf8'));
  t.ok(alive(child), 'the pid file names a live process');
  t.same(cmdline(child), ['/multitool', 'hold']);
  for (const ns of NS) t.equal(nsLink(child, ns), nsLink(pid, ns), `${ns} namespace`);
  t.equal(readFileSync(`/proc/${child}/cgroup`, 'utf8'), readFileSync(`/proc/${pid}/cgroup`, 'utf8'), 'the init\'s cgroups');
  const ps = h.rt(['ps', '--format', 'json', id]);
  t.ok(ps.status === 0 && (JSON.parse(ps.stdout) as number[]).includes(child), `ps lists it (${ps.stdout.trim()})`);
});

t.test('--process: a spec Process JSON', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h, (s) => { s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1111, hard: 2222 }]; });
  const file = join(h.dir, 'process.json');
  writeFileSync(file, JSON.stringify({
    args: ['/multitool', 'info'], cwd: '/tmp', env: ['FOO=bar', 'PATH=/bin'], user: { uid: 1000, gid: 1001, additionalGids: [5] },
    rlimits: [{ type: 'RLIMIT_NOFILE', soft: 333, hard: 444 }], noNewPrivileges: true,
  }));
  let r = h.rt(['exec', '--process', file, id]);
  t.equal(r.status, 0, r.stderr);
  let i = info(r.stdout);
  t.equal(i.cwd, '/tmp');
  t.same([i.uid, i.gid, i.groups], [1000, 1001, [5]]);
  t.same(i.env, ['FOO=bar', 'PATH=/bin', 'HOME=/'], 'its env, and HOME');
  t.same(i.rlimits.RLIMIT_NOFILE, [333, 444], 'its own rlimits',
    { skip: IS_RUNC && 'runc 1.1.5 raises the NOFILE soft limit to the hard one (Go 1.19 does it in runc init; fixed in later runc)' });
  t.equal(i.NoNewPrivs, '1');
  t.equal(i.CapBnd, '0000000020000420', 'without capabilities: the container\'s, never the runtime\'s');
  t.equal(i.CapEff, '0000000000000000', 'a non-root user keeps no effective capability');
  writeFileSync(file, JSON.stringify({ args: ['/multitool', 'info'], cwd: '/', env: ['FOO=bar'], user: { uid: 0, gid: 0 } }));
  r = h.rt(['exec', '--process', file, id]);
  t.equal(r.status, 0, r.stderr);
  i = info(r.stdout);
  t.equal(i.CapEff, '0000000020000420', 'root gets the container\'s capabilities, not the host\'s');
  t.equal(i.NoNewPrivs, '0', 'noNewPrivileges is the file\'s (false), as runc reads it');
  t.same(i.env, ['FOO=bar', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/'], 'a default PATH',
    { skip: IS_RUNC && 'runc adds no PATH to an env without one (runts does, as issue 5 asks)' });
  r = h.rt(['exec', '--process', join(h.dir, 'nosuch.json'), id]);
  t.equal(r.status, 255, 'a missing process file');
  t.match(r.stderr, /nosuch\.json/);
});

t.test('--process from a pipe, as a shell\'s <(...) gives it (runc\'s suite: tty consolesize)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h);
  const quoted = rtArgv(h, []).map((a) => `'${a}'`).join(' ');
  const viaPipe = (args: string, input: string) => spawnSync('bash', ['-c', `${quoted} ${args} <(printf %s "$INPUT") ${id}`],
    { encoding: 'utf8', env: { ...RT_ENV, INPUT: input } });
  let r = viaPipe('exec --process', JSON.stringify({ args: ['/multitool', 'echo', 'from a pipe'], cwd: '/' }));
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'from a pipe\n');
  r = viaPipe('update -r', JSON.stringify({ pids: { limit: 33 } }));
  t.equal(r.status, 0, `update -r from a pipe: ${r.stderr}`);
  r = viaPipe('exec --process', '');
  t.equal(r.status, 255, 'an empty pipe is a JSON error');
  t.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

t.test('--cwd, --env, --user, --additional-gids, --no-new-privs', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h, (s) => { s.process!.noNewPrivileges = false; s.process!.user.additionalGids = [3]; });
  let i = info(h.rt(['exec', id, '/multitool', 'info']).stdout);
  t.equal(i.NoNewPrivs, '0', 'the container process\'s setting');
  const r = h.rt(['exec', '--cwd', '/proc', '-e', 'A=1', '-e', 'B=2', '-u', '1000:1001', '-g', '7', '-g', '8',
    '--no-new-privs', id, '/multitool', 'info']);
  t.equal(r.status, 0, r.stderr);
  i = info(r.stdout);
  t.equal(i.cwd, '/proc');
  t.same(i.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm', 'A=1', 'B=2', 'HOME=/'],
    '--env appends to the container process\'s env');
  t.same([i.uid, i.gid], [1000, 1001]);
  t.same(i.groups, [3, 7, 8], '-g appends to the process\'s additional gids');
  t.equal(i.NoNewPrivs, '1');
  i = info(h.rt(['exec', '-u', '1000', id, '/multitool', 'info']).stdout);
  t.same([i.uid, i.gid], [1000, 0], 'uid alone keeps the process\'s gid');
});

t.test('--cap adds to bounding, effective and permitted, never to inheritable (CVE-2022-29162)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h);
  const r = h.rt(['exec', '--cap', 'CAP_SYS_ADMIN', '--cap', 'CAP_NET_ADMIN', id, '/multitool', 'info']);
  t.equal(r.status, 0, r.stderr);
  const i = info(r.stdout);
  const want = (0x20000420n | 1n << 21n | 1n << 12n).toString(16).padStart(16, '0');
  t.equal(i.CapBnd, want, 'bounding');
  t.equal(i.CapEff, want, 'effective');
  t.equal(i.CapPrm, want, 'permitted');
  t.equal(i.CapInh, '0000000000000000', 'inheritable stays empty');
  t.equal(i.CapAmb, '0000000000000000', 'ambient: the kernel keeps out what is not inheritable');
  const bad = h.rt(['exec', '--cap', 'CAP_NOSUCH', id, '/multitool', 'true']);
  t.equal(bad.status, 255, 'an unknown capability is refused',
    { skip: IS_RUNC && 'runc ignores unknown capabilities with a warning; runts refuses them, as create does (runtime-tools process_capabilities_fail)' });
});

t.test('--pid-file, --detach, --preserve-fds', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h);
  h.rt(['exec', id, '/multitool', 'true']);
  const pidFile = join(h.dir, 'p1.pid');
  const start = Date.now();
  let r = h.rt(['exec', '--detach', '--pid-file', pidFile, id, '/multitool', 'sleep', '30']);
  t.equal(r.status, 0, r.stderr);
  t.ok(Date.now() - start < 10_000, 'returns at once');
  const text = readFileSync(pidFile, 'utf8');
  t.match(text, /^\d+$/, 'the pid, no trailing newline');
  t.ok(alive(Number(text)), 'the detached process runs');
  t.same(readdirSync(h.dir).filter((f) => f.startsWith('p1.pid') || f.startsWith('.p1.pid')), ['p1.pid'], 'no temp file left');
  const f1 = join(h.dir, 'f1'), f2 = join(h.dir, 'f2');
  writeFileSync(f1, 'one'); writeFileSync(f2, 'two');
  r = h.rt(['exec', '--preserve-fds', '2', id, '/multitool', 'info'], { fds: [f1, f2] });
  t.equal(r.status, 0, r.stderr);
  t.same(info(r.stdout).fds, [0, 1, 2, 3, 4], 'stdio and the two preserved fds');
  r = h.rt(['exec', '--preserve-fds', '1', id, '/multitool', 'cat', '/proc/self/fd/3'], { fds: [f1, f2] });
  t.equal(r.stdout, 'one', 'fd 3 is the caller\'s fd 3');
  r = h.rt(['exec', id, '/multitool', 'info'], { fds: [f1, f2] });
  t.same(info(r.stdout).fds, [0, 1, 2], 'without --preserve-fds the caller\'s extra fds stay out');
});

t.test('a foreground exec forwards signals and passes stdin', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h);
  const fg = h.spawn(['exec', id, '/multitool', 'trap']);
  waitFor('the trap to be ready', () => fg.output().includes('ready'));
  fg.child.kill('SIGTERM');
  const r = await fg.done;
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'ready\ngot 15\n', 'SIGTERM reached the process');
  const alrm = h.spawn(['exec', id, '/multitool', 'then', 'echo', 'started', '--', 'sleep', '30']);
  waitFor('the sleep to start', () => alrm.output().includes('started'));
  alrm.child.kill('SIGALRM');
  t.equal((await alrm.done).status, 142, 'SIGALRM forwarded too: the process died of it (128+14)');
  const s = h.rt(['exec', id, '/multitool', 'stdin'], { input: 'to the container\n' });
  t.equal(s.stdout, 'to the container\n');
});

t.test('exec into created, paused and stopped containers', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['hold']), id = h.id();
  t.equal(h.rt(['create', '--bundle', b.dir, id]).status, 0);
  let r = h.rt(['exec', id, '/multitool', 'echo', 'in a created container']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'in a created container\n');
  t.equal(h.state(id)?.status, 'created', 'still created');
  t.equal(h.rt(['start', id]).status, 0);
  h.waitForState(id, 'running');
  r = h.rt(['pause', id]);
  t.equal(r.status, 0, r.stderr);
  h.waitForState(id, 'paused');
  r = h.rt(['exec', id, '/multitool', 'true']);
  t.equal(r.status, 255);
  t.match(r.stderr, /exec failed: cannot exec in a paused container \(use --ignore-paused to override\)/);
  // --ignore-paused only skips the check: the process joins the frozen cgroup and runs once resumed
  const fg = h.spawn(['exec', '--ignore-paused', id, '/multitool', 'echo', 'resumed']);
  const pids = () => { const ps = h.rt(['ps', '--format', 'json', id]); return ps.status === 0 ? (JSON.parse(ps.stdout) as number[]) : []; };
  waitFor('the exec\'d process to join the frozen cgroup', () => pids().length > 1 || fg.child.exitCode !== null);
  t.equal(fg.child.exitCode, null, 'not refused');
  t.equal(h.rt(['resume', id]).status, 0);
  const done = await fg.done;
  t.equal(done.status, 0, done.stderr);
  t.equal(done.stdout, 'resumed\n', 'it ran once the container was resumed');
  h.waitForState(id, 'running');
  t.equal(h.rt(['kill', id, 'KILL']).status, 0);
  h.waitForState(id, 'stopped');
  r = h.rt(['exec', id, '/multitool', 'true']);
  t.equal(r.status, 255);
  t.match(r.stderr, /exec failed: cannot exec in a stopped container/);
});

t.test('-t with --console-socket: the master goes to the socket', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h);
  const rc = receiver(h.dir, ['write', 'from the receiver\\n\\x04', 'eof']);
  const r = h.rt(['exec', '-t', '-d', '--console-socket', rc.sock, id, '/multitool', 'then', 'winsize', '--', 'stdin']);
  t.equal(r.status, 0, r.stderr);
  const got = await rc.done;
  t.equal(got.status, 0, 'the receiver saw the pty hang up');
  t.same([got.header.fds, got.header.master], ['1', '1'], 'exactly one fd, a pty master');
  t.match(got.output, /^0 0\r\n/m, 'its stdio is the pty (no consoleSize: 0x0)');
  t.equal(got.output.split('from the receiver\r\n').length, 3, 'input echoed, then copied back');
});

t.test('-t in the foreground: runts proxies the pty to its own terminal', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h);
  // "ready" first: input is typed once the runtime has made the terminal raw (typeWhenReady);
  // stdin next: runc resizes the pty only after the start, so the size is read once input has ended
  const bin = rtArgv(h, ['exec', '-t', id, '/multitool', 'then', 'echo', 'ready', '--', 'then', 'stdin', '--', 'then', 'winsize', '--', 'exit', '3']);
  const r = await typeWhenReady(h.dir, bin, { setup: 'stty rows 33 cols 77', ready: /ready\r\n/, input: 'typed\n' });
  t.equal(r.rc, 3, `the process's exit status (${r.stdout})`);
  t.match(r.stdout, /33 77\r\n/, 'the pty has the caller\'s terminal size');
  t.match(r.stdout, /typed\r\n/, 'stdin reached the process');
  const notty = withoutTerminal(h, ['exec', '-t', id, '/multitool', 'true']);
  t.equal(notty.status, 255, 'without any terminal');
  t.match(notty.stderr, /exec failed: open \/dev\/tty: no such device or address/);
});

/** Why the seccomp case cannot run: the runtime's `features` report no seccomp support. */
function noSeccomp(): string | false {
  const r = spawnSync(BIN, ['features'], { encoding: 'utf8', env: RT_ENV });
  try { return JSON.parse(r.stdout).linux?.seccomp?.enabled ? false : 'the runtime\'s features report no seccomp'; } catch {
    return `${NAME} features failed: ${r.stderr}`;
  }
}

t.test('seccomp: the exec\'d process runs under the container\'s profile', { skip: skipUnlessRoot || noSeccomp() }, async (t) => {
  const h = new Harness(t);
  const { id } = running(h, (s) => {
    s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 28 }] };
  });
  const r = h.rt(['exec', id, '/multitool', 'then', 'info', '--', 'syscall', 'mkdir']);
  t.equal(r.status, 1, r.stderr);
  t.equal(info(r.stdout).Seccomp, '2', 'a filter is loaded');
  t.match(r.stdout, /errno ENOSPC\n$/, 'mkdir gets the profile\'s errno');
});
