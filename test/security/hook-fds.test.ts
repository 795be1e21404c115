// Hooks get stdin (the state), stdout and stderr, and no other fd of the runtime or of its caller
// (issue 12, point 2; the brief's section 4). The caller opens fds without close-on-exec at 20 (a
// directory of the host), 200 (/), 251 (a pipe) and 1000 (a file), as a careless caller (or an
// attacker who controls one) would; the createContainer hook runs in the container's mount
// namespace, where a host directory's fd is a way out (CVE-2024-21626's shape). Every hook lists
// its /proc/self/fd; the container's process sees 0-2 and exactly the --preserve-fds ones.
import t, { type Test } from 'tap';
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Harness, IS_RUNC, MULTITOOL, info, skipUnlessRoot, type Bundle } from '../lib/runtime.js';
import type { Hook, Spec } from '../../src/spec/types.js';

const PHASES = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;
type Phase = typeof PHASES[number];
const STRAY = [20, 200, 251, 1000];

// Where runc 1.1.5 differs: [the reason, whether the caller's stray fds still stay out].
type RuncDiff = Record<string, [string, boolean] | undefined>;
const RUNC_INIT = 'runc 1.1.5 runs createContainer hooks from runc init, which hands them its own fds (init pipe, log pipe, exec fifo: 3-6), though none of the caller\'s';
const RUNC_RUN: RuncDiff = {
  createContainer: [RUNC_INIT, true],
  startContainer: ['runc 1.1.5\'s init runs startContainer hooks with the preserved fds already open: fd 3 reaches the hook', true],
};
const RUNC_STEPS: RuncDiff = {
  createContainer: [RUNC_INIT, true],
  poststop: ['runc 1.1.5\'s delete runs the poststop hooks with every fd its caller left open: 20, 200, 251 and 1000 reach the hook', false],
};

function checkHook(t: Test, c: { argv: string[]; fds: number[] }, runc: [string, boolean] | undefined): void {
  const name = c.argv[0];
  if (IS_RUNC && runc) {
    t.same(c.fds, [0, 1, 2], `${name}: stdin, stdout, stderr only`, { skip: runc[0] });
    if (runc[1]) t.same(c.fds.filter((fd) => STRAY.includes(fd)), [], `${name}: none of the caller's stray fds (${c.fds.join(' ')})`);
    return;
  }
  t.same(c.fds, [0, 1, 2], `${name}: stdin, stdout, stderr only`);
}

/** The caller's stray fds (not close-on-exec): a host dir, /, a pipe, a file; closed at teardown. */
function strayFds(h: Harness, t: { teardown(fn: () => void): void }): Record<number, number> {
  const fifo = join(h.dir, 'fifo'), file = join(h.dir, 'secret');
  spawnSync('mkfifo', [fifo]);
  writeFileSync(file, 'host secret\n');
  const open = [
    openSync(h.dir, constants.O_RDONLY | constants.O_DIRECTORY),
    openSync('/', constants.O_RDONLY | constants.O_DIRECTORY),
    openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK),
    openSync(file, 'r'),
  ];
  t.teardown(() => { for (const fd of open) closeSync(fd); });
  return Object.fromEntries(STRAY.map((n, i) => [n, open[i]]));
}

/** A bundle with one multitool hook of each kind, each appending its view to the log. */
function hookBundle(h: Harness, args: string[]): { b: Bundle; calls(): { argv: string[]; fds: number[] }[] } {
  const logDir = join(h.dir, `hooklog-${h.id('log')}`);
  mkdirSync(logDir);
  const hook = (p: Phase): Hook => p === 'startContainer'
    ? { path: '/multitool', args: [p, 'hook', '/hooklog/calls'] }
    : { path: MULTITOOL, args: [p, 'hook', join(logDir, 'calls')] };
  const b = h.bundle(args, (s: Spec) => {
    s.mounts!.push({ destination: '/hooklog', type: 'bind', source: logDir, options: ['rbind'] });
    s.hooks = Object.fromEntries(PHASES.map((p) => [p, [hook(p)]]));
  });
  const calls = () => {
    const f = join(logDir, 'calls');
    return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; fds: number[] }) : [];
  };
  return { b, calls };
}

t.test('run with stray fds in the caller: every hook sees 0-2 only, the process 0-2 and --preserve-fds', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const at = strayFds(h, t);
  writeFileSync(join(h.dir, 'preserved'), 'for the container\n');
  const { b, calls } = hookBundle(h, ['info']);
  const r = h.rt(['run', '--preserve-fds', '1', '--bundle', b.dir, h.id()], { fds: [join(h.dir, 'preserved')], at });
  t.equal(r.status, 0, r.stderr);
  t.same(info(r.stdout).fds, [0, 1, 2, 3], 'the process: stdio and the one preserved fd');
  const seen = calls();
  // runc 1.1.5 runs the poststart hooks during create; the order does not matter here
  t.same(seen.map((c) => c.argv[0]).sort(), [...PHASES].sort(), 'every hook ran once');
  for (const c of seen) checkHook(t, c, RUNC_RUN[c.argv[0]]);
});

t.test('create, start and delete each with stray fds: no hook gets one', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const at = strayFds(h, t);
  const { b, calls } = hookBundle(h, ['true']);
  const id = h.id();
  let r = h.rt(['create', '--bundle', b.dir, id], { at });
  t.equal(r.status, 0, r.stderr);
  r = h.rt(['start', id], { at });
  t.equal(r.status, 0, r.stderr);
  h.waitForState(id, 'stopped');
  r = h.rt(['delete', id], { at });
  t.equal(r.status, 0, r.stderr);
  const seen = calls();
  t.same(seen.map((c) => c.argv[0]).sort(), [...PHASES].sort(), 'every hook ran once');
  for (const c of seen) checkHook(t, c, RUNC_STEPS[c.argv[0]]);
});
