// The container's console (process.terminal): the pty master over --console-socket for create
// and run -d (exactly one fd, a pty master, consoleSize, resize, /dev/console), a foreground
// terminal proxied by the runtime itself (driven under script(1), which gives it a terminal),
// runc's rules for terminals and sockets, and symlinks in the image that must not redirect the
// console (CVE-2025-52565).
import t, { type Test } from 'tap';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, IS_RUNC, skipUnlessRoot, type Bundle } from '../lib/runtime.js';
import { findProcesses, run, waitFor } from '../lib/host.js';
import { receiver, rtArgv, spawnUnderScript, typeWhenReady, underScript, withoutTerminal } from '../lib/console.js';

const BUSYBOX = '/bin/busybox';
const noScript = existsSync('/usr/bin/script') ? false : 'script(1) from util-linux is not installed';
const noBusybox = existsSync(BUSYBOX) ? false : 'busybox-static is not installed';

/** A terminal bundle running multitool ARGS (or busybox sh), with consoleSize rows x cols. */
function terminal(h: Harness, args: string[], size?: [number, number], edit?: (s: Bundle['spec']) => void): Bundle {
  return h.bundle(args, (s) => {
    s.process!.terminal = true;
    if (size) s.process!.consoleSize = { height: size[0], width: size[1] };
    edit?.(s);
  });
}

function withBusybox(b: Bundle): Bundle {
  mkdirSync(join(b.rootfs, 'bin'), { recursive: true });
  copyFileSync(BUSYBOX, join(b.rootfs, 'bin/busybox'));
  b.spec.process!.args = ['/bin/busybox', 'sh'];
  b.write();
  return b;
}

const count = (text: string, what: string) => text.split(what).length - 1;

t.test('create with --console-socket: one fd, a pty master, consoleSize, /dev/console', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = terminal(h, ['then', 'stat', '/dev/console', '--', 'then', 'winsize', '--', 'stdin'], [33, 111]);
  const id = h.id();
  const rc = receiver(h.dir, ['expect', '33 111\r\n', 'write', 'typed\\n\\x04', 'eof']);
  let r = h.rt(['create', '--bundle', b.dir, '--console-socket', rc.sock, id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(h.state(id)?.status, 'created');
  r = h.rt(['start', id]);
  t.equal(r.status, 0, r.stderr);
  const got = await rc.done;
  t.equal(got.status, 0, `the receiver saw everything and the hang-up (${JSON.stringify(got)})`);
  t.equal(got.header.fds, '1', 'exactly one fd');
  t.equal(got.header.master, '1', 'a pty master');
  t.same([got.header.rows, got.header.cols], ['33', '111'], 'consoleSize set before the master was sent');
  t.match(got.output, new RegExp(`^c 620 0 5 136:${got.header.ptn}\\r\\n`), '/dev/console is the pty (its slave, 136:N)');
  t.match(got.output, /33 111\r\n/, 'the process sees consoleSize');
  t.equal(count(got.output, 'typed\r\n'), 2, 'input echoed by the pty, then copied back by the process');
  h.waitForState(id, 'stopped');
  t.equal(h.rt(['delete', id]).status, 0);
});

t.test('run -d with --console-socket: resize through the master reaches the process', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = terminal(h, ['winch'], [24, 80]);
  const id = h.id();
  const rc = receiver(h.dir, ['expect', 'size 24 80\r\n', 'size', '50', '70', 'expect', 'winch 50 70\r\n', 'eof']);
  const r = h.rt(['run', '-d', '--bundle', b.dir, '--console-socket', rc.sock, id]);
  t.equal(r.status, 0, r.stderr);
  const got = await rc.done;
  t.equal(got.status, 0, `the process saw SIGWINCH and the new size (${JSON.stringify(got.output)})`);
  h.waitForState(id, 'stopped');
});

t.test('a shell on the console: busybox sh over the socket', { skip: skipUnlessRoot || noBusybox }, async (t) => {
  const h = new Harness(t);
  const b = withBusybox(terminal(h, []));
  const id = h.id();
  const rc = receiver(h.dir, ['write', 'echo hi-$((6*7))\\n', 'expect', 'hi-42\r\n', 'write', 'tty; exit 3\\n', 'eof']);
  const r = h.rt(['run', '-d', '--bundle', b.dir, '--console-socket', rc.sock, id]);
  t.equal(r.status, 0, r.stderr);
  const got = await rc.done;
  t.equal(got.status, 0, JSON.stringify(got.output));
  t.match(got.output, new RegExp(`/dev/pts/${got.header.ptn}\\r\\n`), 'tty names the pty in the container\'s devpts');
  h.waitForState(id, 'stopped');
});

t.test('a non-root process owns its console', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = terminal(h, ['then', 'stat', '/dev/console', '--', 'cat', '/dev/console'], undefined, (s) => { s.process!.user = { uid: 1000, gid: 1000 }; });
  const rc = receiver(h.dir, ['write', 'reopened\\n\\x04', 'eof']);
  const r = h.rt(['run', '-d', '--bundle', b.dir, '--console-socket', rc.sock, h.id()]);
  t.equal(r.status, 0, r.stderr);
  const got = await rc.done;
  t.match(got.output, /^c 620 1000 5 136:\d+\r\n/m, 'the pty belongs to uid 1000 (its group stays tty)');
  t.equal(count(got.output, 'reopened\r\n'), 2, 'the process could open /dev/console and read from it');
});

t.test('foreground run of a terminal: the runtime proxies the pty', { skip: skipUnlessRoot || noScript }, async (t) => {
  const h = new Harness(t);
  // "ready" first: input is typed once the runtime has made the terminal raw (typeWhenReady);
  // stdin next: runc resizes the pty only after the start, so the size is read once input has ended
  const b = terminal(h, ['then', 'echo', 'ready', '--', 'then', 'stdin', '--', 'then', 'winsize', '--', 'then', 'stat', '/dev/console', '--', 'exit', '5'], [11, 22]);
  const id = h.id();
  const r = await typeWhenReady(h.dir, rtArgv(h, ['run', '--bundle', b.dir, id]), {
    setup: 'stty rows 40 cols 120; saved=$(stty -g)', after: '[ "$(stty -g)" = "$saved" ] && echo terminal-restored',
    ready: /ready\r\n/, input: 'line one\n',
  });
  t.equal(r.rc, 5, `the container's exit status (${JSON.stringify(r.stdout)})`);
  t.match(r.stdout, /^40 120\r\n/m, 'the pty has the caller\'s terminal size (it replaces consoleSize, as in runc)');
  t.match(r.stdout, /^c 620 0 5 136:\d+\r\n/m, '/dev/console is a pty');
  t.match(r.stdout, /line one\r\n/, 'the caller\'s stdin reached the process');
  t.match(r.stdout, /terminal-restored/, 'the caller\'s terminal mode is restored');
  t.equal(h.state(id), undefined, 'run deleted the container');
});

t.test('foreground run: busybox sh driven through the proxy', { skip: skipUnlessRoot || noScript || noBusybox }, async (t) => {
  const h = new Harness(t);
  const b = withBusybox(terminal(h, []));
  const r = underScript(rtArgv(h, ['run', '--bundle', b.dir, h.id()]), { input: 'echo hi-$((6*7))\nexit 4\n' });
  t.equal(r.rc, 4, JSON.stringify(r.stdout));
  t.match(r.stdout, /hi-42\r\n/);
});

t.test('foreground run: SIGWINCH resizes the pty', { skip: skipUnlessRoot || noScript }, async (t) => {
  const h = new Harness(t);
  // until 50x70: runc resizes the pty (to 30x90) only after the start, which may make a SIGWINCH of its own
  const b = terminal(h, ['winch', '50', '70']);
  const id = h.id();
  const fg = spawnUnderScript(h.dir, rtArgv(h, ['run', '--bundle', b.dir, id]), { setup: 'stty rows 30 cols 90' });
  waitFor('the process to report its size', () => /size \d+ \d+/.test(fg.output()));
  const rt = findProcesses((a) => a.includes(id) && a.includes('run'))[0];
  t.ok(rt, 'the runtime process');
  // a new size on the runtime's terminal: the kernel sends SIGWINCH to its foreground group
  const stty = run(['stty', '-F', `/proc/${rt.pid}/fd/0`, 'rows', '50', 'cols', '70']);
  t.equal(stty.status, 0, stty.stderr);
  t.equal(await fg.done, 0);
  t.match(fg.output(), /winch 50 70\r\n/, 'the process got SIGWINCH and sees the new size');
  t.match(fg.output(), /rc=0/);
});

t.test('runc\'s rules for terminals and console sockets', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const tb = terminal(h, ['true']), pb = h.bundle(['true']);
  const sock = join(h.dir, 'nobody.sock');
  let r = h.rt(['run', '-d', '--bundle', tb.dir, h.id()]);
  t.equal(r.status, 1);
  t.match(r.stderr, /cannot allocate tty if runc will detach without setting console socket/);
  r = h.rt(['create', '--bundle', tb.dir, h.id()]);
  t.equal(r.status, 1);
  t.match(r.stderr, /cannot allocate tty if runc will detach without setting console socket/);
  r = h.rt(['create', '--bundle', pb.dir, '--console-socket', sock, h.id()]);
  t.equal(r.status, 1);
  t.match(r.stderr, /cannot use console socket if runc will not detach or allocate tty/);
  r = h.rt(['run', '--bundle', tb.dir, '--console-socket', sock, h.id()]);
  t.equal(r.status, 1, 'a foreground run never uses a console socket');
  t.match(r.stderr, /cannot use console socket if runc will not detach or allocate tty/);
  const nt = withoutTerminal(h, ['run', '--bundle', tb.dir, h.id()]);
  t.equal(nt.status, 1, 'a foreground terminal needs a terminal of the caller');
  t.match(nt.stderr, /open \/dev\/tty: no such device or address/);
});

/** A bundle whose image provides /dev itself (no tmpfs on /dev), so that its symlinks are what the runtime meets. */
function imageDev(h: Harness, edit: (b: Bundle) => void, devpts = true): Bundle {
  const b = terminal(h, ['stat', '/tmp/target'], undefined, (s) => {
    s.mounts = s.mounts!.filter((m) => m.destination !== '/dev' && (devpts || m.destination !== '/dev/pts'));
    s.root!.readonly = false;
  });
  for (const d of ['dev/pts', 'dev/shm', 'dev/mqueue']) mkdirSync(join(b.rootfs, d), { recursive: true });
  writeFileSync(join(b.rootfs, 'tmp/target'), 'untouched\n');
  edit(b);
  return b;
}

function checkTarget(t: Test, b: Bundle, runcSkip: string | false = false): void {
  const target = join(b.rootfs, 'tmp/target');
  t.ok(lstatSync(target).isFile(), 'the symlink\'s target is still a plain file');
  t.equal(readFileSync(target, 'utf8'), 'untouched\n', 'and unchanged', { skip: IS_RUNC && runcSkip });
}

t.test('CVE-2025-52565: an image\'s /dev/console symlink does not redirect the console mount', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = imageDev(h, (x) => symlinkSync('/tmp/target', join(x.rootfs, 'dev/console')));
  const rc = receiver(h.dir, ['eof']);
  const r = h.rt(['run', '-d', '--bundle', b.dir, '--console-socket', rc.sock, h.id()]);
  const got = r.status === 0 ? await rc.done : undefined;
  if (got) t.comment(`the container saw /tmp/target as: ${JSON.stringify(got.output)}`);
  t.equal(r.status, 1, 'the runtime refuses a /dev/console that is a symlink',
    { skip: IS_RUNC && 'runc 1.1.5 predates the fix: it mounts the pty on the symlink\'s target' });
  t.match(r.stderr, /\/dev\/console/, 'and says which path', { skip: IS_RUNC && 'runc 1.1.5 predates the fix' });
  checkTarget(t, b, 'runc 1.1.5 predates the fix: opening /dev/console through the symlink truncates the target');
  rc.stop();
});

t.test('CVE-2025-52565: an image\'s /dev/pts symlinks are never used to make the pty', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = imageDev(h, (x) => {
    symlinkSync('/tmp/target', join(x.rootfs, 'dev/pts/ptmx'));
    symlinkSync('/tmp/target', join(x.rootfs, 'dev/pts/0'));
  }, false);
  const rc = receiver(h.dir, ['eof']);
  const r = h.rt(['run', '-d', '--bundle', b.dir, '--console-socket', rc.sock, h.id()]);
  t.equal(r.status, 1, `no pty from a symlinked ptmx (${r.stderr.trim()})`);
  checkTarget(t, b);
  rc.stop();
});

t.test('a read-only /dev with a terminal: /dev/console is mounted all the same (issue 13: 5)', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = terminal(h, ['then', 'stat', '/dev/console', '--', 'write', '/dev/rtst-ro', 'x'], undefined, (s) => {
    const dev = s.mounts!.find((m) => m.destination === '/dev')!;
    dev.options = [...(dev.options ?? []), 'ro'];
  });
  const id = h.id();
  const rc = receiver(h.dir, ['eof']);
  const r = h.rt(['run', '-d', '--bundle', b.dir, '--console-socket', rc.sock, id]);
  t.equal(r.status, 0, r.stderr);
  const got = await rc.done;
  t.match(got.output, new RegExp(`^c 620 0 5 136:${got.header.ptn}\\r\\n`), '/dev/console is the pty');
  t.match(got.output, /errno EROFS/, '/dev itself is read-only');
  h.waitForState(id, 'stopped');
  t.equal(h.rt(['delete', id]).status, 0);
});
