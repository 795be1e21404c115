// The six hooks of runtime.md and config.md (POSIX-platform hooks): when each runs, in which
// namespaces, with which state on stdin, argv and env, in order; timeouts; and the failure
// rules (a failing hook before the process runs stops and destroys the container, then the
// poststop hooks run; a failing poststop hook is a warning).
import t, { type Test } from 'tap';
import { existsSync, mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, IS_RUNC, MULTITOOL, skipUnlessRoot, type Bundle, type Result } from '../lib/runtime.js';
import { nothingLeft, oneError, processesOf } from '../lib/nothing-left.js';
import type { Hook } from '../../src/spec/types.js';

const opts = { skip: skipUnlessRoot };
const RUNC_POSTSTART = 'runc 1.1.5 runs the poststart hooks during create, before startContainer (fixed in runc 1.2)';
const RUNC_CREATING = 'runc 1.1.5 passes the status "creating" to the create-phase hooks (their time is after step 2: "created")';
const RUNC_NO_DESTROY = 'runc 1.1.5 neither destroys the container nor runs poststop hooks when a hook fails';
const PHASES = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;
type Phase = typeof PHASES[number];
const ENV = ['HOOK_ENV=exactly this', 'EMPTY=', 'PATH=/nowhere'];
const ANNOTATIONS = { 'org.example.hooks': 'yes', 'org.example.space': 'a b' };

interface State { ociVersion: string; id: string; status: string; pid?: number; bundle: string; annotations?: Record<string, string> }
interface Call {
  argv: string[]; env: string[]; stdin: string; state: State; pid: number; cwd: string; mntns: string; pidns: string; netns: string;
  mounts: string[]; target?: { pid: number; root: string; exe: string; mntns: string; mounts: string[] };
}

/** A bundle whose hooks all log to one file (bind-mounted at /hooklog for the hooks that run inside). */
class HookBundle {
  readonly logDir: string;
  readonly b: Bundle;
  constructor(readonly h: Harness, args: string[], edit: (hooks: Record<Phase, Hook[]>, hb: HookBundle) => void) {
    this.logDir = join(h.dir, `hooklog-${h.id('log')}`);
    mkdirSync(this.logDir);
    this.b = h.bundle(args, (s) => {
      s.annotations = ANNOTATIONS;
      s.mounts!.push({ destination: '/hooklog', type: 'bind', source: this.logDir, options: ['rbind'] });
      const hooks = Object.fromEntries(PHASES.map((p) => [p, []])) as unknown as Record<Phase, Hook[]>;
      edit(hooks, this);
      s.hooks = Object.fromEntries(Object.entries(hooks).filter(([, v]) => v.length));
    });
  }

  /** multitool's hook command, named `name` in argv[0], exiting with `status`; startContainer's
   * path and log are the container's, the others' the host's. */
  hook(name: string, phase: Phase, status = 0, extra: Partial<Hook> = {}): Hook {
    const inside = phase === 'startContainer';
    const log = inside ? '/hooklog/calls' : join(this.logDir, 'calls');
    return { path: inside ? '/multitool' : MULTITOOL, args: [name, 'hook', log, String(status)], env: ENV, ...extra };
  }

  calls(): Call[] {
    const file = join(this.logDir, 'calls');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').trim().split('\n').map((l) => {
      const c = JSON.parse(l) as Call;
      return { ...c, state: JSON.parse(c.stdin) as State };
    });
  }

  names(): string[] { return this.calls().map((c) => c.argv[0]); }
}

function succeeds(t: Test, r: Result, what: string): void {
  t.equal(r.status, 0, `${what}: ${r.stderr.trim()}`);
}

const hostNs = (ns: string) => readlinkSync(`/proc/self/ns/${ns}`);

function checkCall(t: Test, c: Call, name: string, hb: HookBundle, id: string): void {
  t.same(c.argv, [name, 'hook', c.argv[2], c.argv[3]], `${name}: argv exactly args (args[0] is argv[0])`);
  t.same(c.env, ENV, `${name}: env exactly as configured`);
  t.equal(c.state.id, id, `${name}: state id`);
  t.equal(c.state.bundle, hb.b.dir, `${name}: state bundle`);
  t.same(c.state.annotations, ANNOTATIONS, `${name}: state annotations`);
  t.match(c.state.ociVersion, /^1\./, `${name}: state ociVersion`);
}

t.test('all six hooks: order, namespaces, state on stdin, argv, env', opts, async (t) => {
  const h = new Harness(t);
  t.notOk(existsSync('/multitool'), 'the startContainer hook path exists only in the container');
  const hb = new HookBundle(h, ['hold'], (k, x) => {
    for (const p of PHASES) k[p].push(x.hook(p, p));
    k.prestart.push(x.hook('prestart-2', 'prestart'));
    k.poststop.push(x.hook('poststop-2', 'poststop'));
  });
  const { b } = hb, id = h.id();

  succeeds(t, h.rt(['create', '--bundle', b.dir, id]), 'create');
  const st = h.state(id)!;
  const ctr = { mnt: readlinkSync(`/proc/${st.pid}/ns/mnt`), pid: readlinkSync(`/proc/${st.pid}/ns/pid`), net: readlinkSync(`/proc/${st.pid}/ns/net`) };
  t.same(hb.names().filter((n) => n !== 'poststart'), ['prestart', 'prestart-2', 'createRuntime', 'createContainer'],
    'create runs prestart (in order), createRuntime, createContainer');
  t.same(hb.names(), ['prestart', 'prestart-2', 'createRuntime', 'createContainer'], 'and nothing else', { skip: IS_RUNC && RUNC_POSTSTART });
  const byName = (n: string) => hb.calls().find((c) => c.argv[0] === n)!;

  for (const n of ['prestart', 'prestart-2', 'createRuntime']) {
    const c = byName(n);
    checkCall(t, c, n, hb, id);
    t.equal(c.state.pid, st.pid, `${n}: state pid is the container process as the host sees it`);
    t.equal(c.state.status, 'created', `${n}: status`, { skip: IS_RUNC && RUNC_CREATING });
    t.same([c.mntns, c.pidns, c.netns], [hostNs('mnt'), hostNs('pid'), hostNs('net')], `${n}: runs in the runtime namespace`);
    t.equal(c.target?.mntns, ctr.mnt, `${n}: the container's mount namespace exists`);
    t.equal(c.target?.root, '/', `${n}: before pivot_root`);
    t.ok(c.target?.mounts.includes(join(b.rootfs, 'proc')), `${n}: after the mounts`);
  }

  const cc = byName('createContainer');
  checkCall(t, cc, 'createContainer', hb, id);
  t.same([cc.mntns, cc.pidns, cc.netns], [ctr.mnt, ctr.pid, ctr.net], 'createContainer: runs in the container namespaces');
  t.ok(cc.mounts.includes(join(b.rootfs, 'proc')), 'createContainer: after the mounts, before pivot_root');
  t.equal(cc.state.pid, st.pid, 'createContainer: state pid as the host sees it', { skip: IS_RUNC && 'runc 1.1.5 passes the pid as the container sees it (1)' });
  t.equal(cc.state.status, 'created', 'createContainer: status', { skip: IS_RUNC && RUNC_CREATING });

  succeeds(t, h.rt(['start', id]), 'start');
  t.same(hb.names().slice(4), ['startContainer', 'poststart'], 'start runs startContainer, then poststart', { skip: IS_RUNC && RUNC_POSTSTART });
  const sc = byName('startContainer');
  checkCall(t, sc, 'startContainer', hb, id);
  t.same([sc.mntns, sc.pidns, sc.netns], [ctr.mnt, ctr.pid, ctr.net], 'startContainer: runs in the container namespaces');
  t.ok(sc.mounts.includes('/proc') && !sc.mounts.includes(join(b.rootfs, 'proc')), 'startContainer: after pivot_root');
  t.equal(sc.state.status, 'created', 'startContainer: status (the process is not executed yet)');
  const ps = byName('poststart');
  checkCall(t, ps, 'poststart', hb, id);
  t.same([ps.mntns, ps.pidns], [hostNs('mnt'), hostNs('pid')], 'poststart: runs in the runtime namespace');
  t.equal(ps.state.pid, st.pid, 'poststart: state pid');
  t.equal(ps.state.status, 'running', 'poststart: status', { skip: IS_RUNC && RUNC_POSTSTART });
  t.equal(ps.target?.exe, '/multitool', 'poststart: after the process was executed (its exe, seen from the host through its root)', { skip: IS_RUNC && RUNC_POSTSTART });

  t.equal(h.rt(['kill', id, 'KILL']).status, 0);
  h.waitForState(id, 'stopped');
  t.equal(hb.calls().length, 6, 'no hook runs at kill');
  succeeds(t, h.rt(['delete', id]), 'delete');
  t.same(hb.names().slice(6), ['poststop', 'poststop-2'], 'delete runs the poststop hooks in order before it returns');
  for (const n of ['poststop', 'poststop-2']) {
    const c = byName(n);
    checkCall(t, c, n, hb, id);
    t.equal(c.state.status, 'stopped', `${n}: status`);
    t.same([c.mntns, c.pidns], [hostNs('mnt'), hostNs('pid')], `${n}: runs in the runtime namespace`);
  }
  nothingLeft(t, h, id);
});

t.test('a hook within its timeout succeeds; createContainer over its timeout is killed', opts, async (t) => {
  const h = new Harness(t);
  const slow = new HookBundle(h, ['true'], (k, x) => {
    k.createRuntime.push({ path: MULTITOOL, args: ['slow', 'then', 'sleep', '0.3', '--', 'hook', join(x.logDir, 'calls')], env: ENV, timeout: 5 });
  });
  const id = h.id();
  succeeds(t, h.run(slow.b, id), 'a 0.3 s hook with timeout 5');
  t.same(slow.names(), ['slow']);
  const marker = `rtst-hang-cc-${process.pid}`;
  const hang = new HookBundle(h, ['true'], (k, x) => {
    k.createContainer.push({ path: MULTITOOL, args: [marker, 'sleep', '100'], timeout: 1 });
    k.poststop.push(x.hook('poststop', 'poststop'));
  });
  const id2 = h.id(), started = Date.now();
  const msg = oneError(t, h.rt(['create', '--bundle', hang.b.dir, id2]), 'createContainer over its timeout');
  t.ok(Date.now() - started < 10_000, `failed within a few seconds (${Date.now() - started} ms)`);
  t.match(msg, /hook/i, 'names the hook');
  t.same(processesOf(h, marker), [], 'the hook process was killed');
  t.same(hang.names(), ['poststop'], 'poststop ran after the failed create', { skip: IS_RUNC && RUNC_NO_DESTROY });
  nothingLeft(t, h, id2);
});

for (const phase of ['startContainer', 'poststart', 'poststop'] as const) {
  t.test(`a ${phase} hook over its timeout is killed`, { skip: skipUnlessRoot || (IS_RUNC && phase === 'poststart' && RUNC_POSTSTART) }, async (t) => {
    const h = new Harness(t);
    const marker = `rtst-hang-${phase}-${process.pid}`;
    const hb = new HookBundle(h, ['hold'], (k, x) => {
      k[phase].push({ path: phase === 'startContainer' ? '/multitool' : MULTITOOL, args: [marker, 'sleep', '100'], timeout: 1 });
      if (phase !== 'poststop') k.poststop.push(x.hook('poststop', 'poststop'));
    });
    const id = h.id();
    succeeds(t, h.rt(['create', '--bundle', hb.b.dir, id]), 'create');
    let started = Date.now();
    const r = h.rt(['start', id]);
    if (phase === 'poststop') succeeds(t, r, 'start');
    else if (IS_RUNC) t.pass('runc 1.1.5\'s start exits 0 when a startContainer hook fails');
    else t.match(oneError(t, r, `${phase} over its timeout`), new RegExp(`${phase}.*timeout`), 'says which hook timed out');
    if (phase === 'poststop') {
      started = Date.now();
      const d = h.rt(['delete', '--force', id]);
      succeeds(t, d, 'delete');
      t.match(d.stderr, /timeout|timed out|past specified timeout/, 'a warning says the hook timed out');
    }
    t.ok(Date.now() - started < 10_000, `within a few seconds (${Date.now() - started} ms)`);
    t.same(processesOf(h, marker), [], 'the hook process was killed');
    if (phase !== 'poststop') t.same(hb.names(), ['poststop'], 'the container was destroyed, poststop ran', { skip: IS_RUNC && RUNC_NO_DESTROY });
    h.rt(['delete', '--force', id]);
    nothingLeft(t, h, id);
  });
}

for (const phase of ['prestart', 'createRuntime', 'createContainer'] as const) {
  t.test(`a failing ${phase} hook: create fails, later hooks do not run, destroyed, poststop runs`, opts, async (t) => {
    const h = new Harness(t);
    const hb = new HookBundle(h, ['write', '/hooklog/ran', 'yes'], (k, x) => {
      for (const p of ['prestart', 'createRuntime', 'createContainer'] as const) {
        k[p].push(x.hook(p, p, p === phase ? 1 : 0), x.hook(`${p}-2`, p));
      }
      k.startContainer.push(x.hook('startContainer', 'startContainer'));
      k.poststart.push(x.hook('poststart', 'poststart'));
      k.poststop.push(x.hook('poststop', 'poststop'));
    });
    const id = h.id();
    const msg = oneError(t, h.rt(['create', '--bundle', hb.b.dir, id]), `failing ${phase}`);
    t.match(msg, /hook/i, 'names the hook');
    const order = ['prestart', 'prestart-2', 'createRuntime', 'createRuntime-2', 'createContainer'];
    const before = order.slice(0, order.indexOf(phase) + 1);
    t.same(hb.names().filter((n) => n !== 'poststop'), before, 'the hooks up to the failing one ran, no later ones');
    t.same(hb.names().slice(before.length), ['poststop'], 'then poststop', { skip: IS_RUNC && RUNC_NO_DESTROY });
    if (hb.names().includes('poststop')) t.equal(hb.calls().at(-1)!.state.status, 'stopped');
    t.notOk(existsSync(join(hb.logDir, 'ran')), 'the process never ran');
    nothingLeft(t, h, id);
  });
}

t.test('a failing startContainer hook: start fails, the process never runs, destroyed, poststop runs', opts, async (t) => {
  const h = new Harness(t);
  const hb = new HookBundle(h, ['write', '/hooklog/ran', 'yes'], (k, x) => {
    k.startContainer.push(x.hook('startContainer', 'startContainer', 1), x.hook('startContainer-2', 'startContainer'));
    k.poststart.push(x.hook('poststart', 'poststart'));
    k.poststop.push(x.hook('poststop', 'poststop'));
  });
  const id = h.id();
  succeeds(t, h.rt(['create', '--bundle', hb.b.dir, id]), 'create');
  const pid = h.state(id)!.pid;
  const r = h.rt(['start', id]);
  if (IS_RUNC) t.pass('runc 1.1.5\'s start exits 0 when a startContainer hook fails (its init reports it to no one)');
  else t.match(oneError(t, r, 'failing startContainer'), /startContainer/, 'names the hook');
  t.same(hb.names().filter((n) => n !== 'poststart' && n !== 'poststop'), ['startContainer'], 'no later startContainer hook');
  t.notOk(hb.names().includes('poststart') && !IS_RUNC, 'no poststart hook');
  t.notOk(existsSync(join(hb.logDir, 'ran')), 'the process never ran');
  t.notOk(existsSync(`/proc/${pid}/stat`) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z', 'the container process is gone');
  t.equal(h.state(id), undefined, 'the container was destroyed', { skip: IS_RUNC && RUNC_NO_DESTROY });
  t.equal(hb.names().at(-1), 'poststop', 'poststop ran', { skip: IS_RUNC && RUNC_NO_DESTROY });
  h.rt(['delete', '--force', id]);
  nothingLeft(t, h, id);
});

t.test('a failing poststart hook: start fails, the container is stopped and destroyed, poststop runs', {
  skip: skipUnlessRoot || (IS_RUNC && RUNC_POSTSTART),
}, async (t) => {
  const h = new Harness(t);
  const hb = new HookBundle(h, ['hold'], (k, x) => {
    k.poststart.push(x.hook('poststart', 'poststart', 1), x.hook('poststart-2', 'poststart'));
    k.poststop.push(x.hook('poststop', 'poststop'));
  });
  const id = h.id();
  succeeds(t, h.rt(['create', '--bundle', hb.b.dir, id]), 'create');
  const pid = h.state(id)!.pid;
  t.match(oneError(t, h.rt(['start', id]), 'failing poststart'), /poststart/, 'names the hook');
  t.same(hb.names(), ['poststart', 'poststop'], 'no later poststart hook; then poststop (runtime.md step 9, then 12 and 13)');
  t.equal(hb.calls()[1].state.status, 'stopped');
  t.notOk(existsSync(`/proc/${pid}/stat`) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z', 'the container process is gone');
  t.equal(h.state(id), undefined, 'the container was destroyed');
  nothingLeft(t, h, id);
});

t.test('a failing poststop hook: a warning, the other poststop hooks run, delete succeeds', opts, async (t) => {
  const h = new Harness(t);
  const hb = new HookBundle(h, ['true'], (k, x) => {
    k.poststop.push(x.hook('poststop', 'poststop', 1), x.hook('poststop-2', 'poststop'));
  });
  const id = h.id();
  succeeds(t, h.rt(['run', '--keep', '--bundle', hb.b.dir, id]), 'run --keep');
  const r = h.rt(['delete', id]);
  t.equal(r.status, 0, `delete succeeds: ${r.stderr}`, { skip: IS_RUNC && 'runc 1.1.5 fails delete when a poststop hook fails' });
  t.match(r.stderr, IS_RUNC ? /error running hook #0/ : /poststop hook #0/, 'the message names the hook');
  if (!IS_RUNC) t.match(r.stderr.trim(), /^runts: warning: [^\n]*poststop[^\n]*$/, 'one warning line');
  t.same(hb.names(), ['poststop', 'poststop-2'], 'the remaining poststop hooks ran', { skip: IS_RUNC && 'runc 1.1.5 stops at the first failing poststop hook' });
  h.rt(['delete', '--force', id]);
  nothingLeft(t, h, id);
});

t.test('a startContainer hook runs under the container\'s seccomp filter (issue 13: 7)', opts, async (t) => {
  // The spec does not say; runc runs the startContainer hooks right before its execve, after the
  // filter is loaded (and the user and capabilities are set): a hook's mkdir is killed by a
  // profile that forbids mkdir.
  const h = new Harness(t);
  const hb = new HookBundle(h, ['write', '/hooklog/ran', 'yes'], (k) => {
    k.startContainer.push({ path: '/multitool', args: ['startContainer', 'syscall', 'mkdir'] });
  });
  hb.b.spec.linux!.seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_KILL' }],
  };
  hb.b.write();
  const id = h.id();
  succeeds(t, h.rt(['create', '--bundle', hb.b.dir, id]), 'create');
  const r = h.rt(['start', id]);
  if (IS_RUNC) t.pass('runc 1.1.5\'s start exits 0 when a startContainer hook fails (its init reports it to no one)');
  else t.match(oneError(t, r, 'startContainer hook under seccomp'), /startContainer hook .*signal: SIGSYS/, 'the hook was killed by SIGSYS, named');
  t.notOk(existsSync(join(hb.logDir, 'ran')), 'the process never ran');
  h.rt(['delete', '--force', id]);
  nothingLeft(t, h, id);
});

t.test('hooks\' working directories: the bundle for the runtime\'s, the container\'s root for createContainer and startContainer (issue 13: 6)', opts, async (t) => {
  const h = new Harness(t);
  const hb = new HookBundle(h, ['true'], (k, x) => { for (const p of PHASES) k[p].push(x.hook(p, p)); });
  const { b } = hb, id = h.id();
  const elsewhere = h.dir; // the caller's cwd is neither the bundle nor the rootfs
  succeeds(t, h.rt(['create', '--bundle', b.dir, id], { cwd: elsewhere }), 'create');
  succeeds(t, h.rt(['start', id], { cwd: elsewhere }), 'start');
  h.waitForState(id, 'stopped');
  succeeds(t, h.rt(['delete', id], { cwd: elsewhere }), 'delete');
  const cwd = Object.fromEntries(hb.calls().map((c) => [c.argv[0], c.cwd]));
  for (const p of ['prestart', 'createRuntime', 'poststart']) t.equal(cwd[p], b.dir, `${p}: the bundle`);
  t.equal(cwd.poststop, b.dir, 'poststop: the bundle', {
    skip: IS_RUNC && 'runc 1.1.5\'s delete runs poststop hooks in the caller\'s cwd (only create and run chdir to the bundle)',
  });
  t.equal(cwd.createContainer, b.rootfs, 'createContainer: the container\'s root (before pivot_root)');
  t.equal(cwd.startContainer, '/', 'startContainer: the container\'s root');
});
