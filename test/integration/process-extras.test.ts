// What runc 1.2+ applies right before the process starts: process.scheduler, process.ioPriority,
// process.execCPUAffinity (exec only), linux.personality and linux.memoryPolicy; each seen from
// inside the container, for the container's process and for exec. Debian's runc 1.1.5 has none
// of them (it ignores the fields): each test is skipped for a runc older than the one that brought
// it, with that reason.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { nothingLeft, oneError } from '../lib/nothing-left.js';
import { BIN, Harness, IS_RUNC, RT_ENV, skipUnlessRoot } from '../lib/runtime.js';

type Edit = (s: Spec) => void;
type Any = Record<string, unknown>;

const RUNC_VERSION = IS_RUNC ? /runc version (\d+)\.(\d+)\.(\d+)/.exec(spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout) : null;
/** Skips where runc is older than the version that brought WHAT (its CHANGELOG). */
function skip(what: string, since: string): string | false {
  if (skipUnlessRoot) return skipUnlessRoot;
  if (!RUNC_VERSION) return false;
  const have = RUNC_VERSION.slice(1).map(Number), want = since.split('.').map(Number);
  const older = have[0] !== want[0] ? have[0] < want[0] : have[1] !== want[1] ? have[1] < want[1] : have[2] < want[2];
  return older && `runc ${have.join('.')} lacks ${what} (runc ${since} brought it)`;
}
/** runc 1.2 ignored scheduler and ioPriority in `exec -p` (runc 1.3.0 fixed it). */
const EXEC_P_OLD = !!skip('them in exec -p', '1.3.0');
const proc = (s: Spec) => s.process as unknown as Any;
const linux = (s: Spec) => s.linux as unknown as Any;

/** `run` of `multitool CMD` with the spec edited: its stdout, or the failure. */
function runSees(t: Test, h: Harness, cmd: string, edit: Edit): string {
  const r = h.run(h.bundle([cmd], edit));
  t.equal(r.status, 0, `run ${cmd}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** A running container made with edit; returns its id. */
function running(t: Test, h: Harness, edit: Edit): string {
  const id = h.id();
  const r = h.rt(['run', '-d', '--bundle', h.bundle(['hold'], edit).dir, id]);
  t.equal(r.status, 0, `run -d: ${r.stderr.trim()}`);
  return id;
}

/** `exec` of `multitool CMD` (with a --process file when process is given): its stdout. */
function execSees(t: Test, h: Harness, id: string, cmd: string, process?: Any): string {
  let args = [id, '/multitool', cmd];
  if (process) {
    const file = join(h.dir, `process-${cmd}.json`);
    writeFileSync(file, JSON.stringify({ cwd: '/', user: { uid: 0, gid: 0 }, env: ['PATH=/'], args: ['/multitool', cmd], ...process }));
    args = ['--process', file, id];
  }
  const r = h.rt(['exec', ...args]);
  t.equal(r.status, 0, `exec ${cmd}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Bad values: one line, exit 1, nothing left (a harness of its own: nothing else in its root). */
function refused(t: Test, edit: Edit, msg: RegExp): void {
  const h = new Harness(t), id = h.id();
  t.match(oneError(t, h.run(h.bundle(['true'], edit), id), 'run'), msg);
  nothingLeft(t, h, id);
}

const RT_GROUPS = existsSync('/sys/fs/cgroup/cpu/cpu.rt_runtime_us');
const SCHED = /^policy (\d+) nice (-?\d+) priority (\d+) flags (0x[0-9a-f]+)/;
const sched = (out: string) => SCHED.exec(out)?.slice(1).join(' ');

t.test('process.scheduler: the policy, nice, priority and flags the process has', { skip: skip('process.scheduler', '1.2.0') }, async (t) => {
  const h = new Harness(t);
  t.equal(sched(runSees(t, h, 'sched', (s) => { proc(s).scheduler = { policy: 'SCHED_IDLE' }; })), '5 0 0 0x0', 'SCHED_IDLE');
  t.equal(sched(runSees(t, h, 'sched', (s) => { proc(s).scheduler = { policy: 'SCHED_BATCH', nice: 7 }; })), '3 7 0 0x0', 'SCHED_BATCH, nice 7');
  t.equal(sched(runSees(t, h, 'sched', (s) => {
    proc(s).scheduler = { policy: 'SCHED_RR', priority: 3, flags: ['SCHED_FLAG_RESET_ON_FORK'] };
    // with RT group scheduling (cgroup v1 here) a new cpu cgroup has no real-time budget: EPERM
    if (RT_GROUPS) s.linux!.resources = { ...s.linux!.resources, cpu: { realtimeRuntime: 10000, realtimePeriod: 1000000 } };
  })), '2 0 3 0x1', 'SCHED_RR, priority 3, reset-on-fork');
  const id = running(t, h, (s) => { proc(s).scheduler = { policy: 'SCHED_BATCH', nice: 3 }; });
  t.equal(sched(execSees(t, h, id, 'sched')), '3 3 0 0x0', "exec: the container's scheduler");
  if (!EXEC_P_OLD) {
    t.equal(sched(execSees(t, h, id, 'sched', { scheduler: { policy: 'SCHED_IDLE' } })), '5 0 0 0x0', "exec: the --process file's");
    t.equal(sched(execSees(t, h, id, 'sched', {})), '3 3 0 0x0', "exec: a --process file without one gets the container's");
  }
  refused(t, (s) => { proc(s).scheduler = { policy: 'SCHED_OTHER', priority: 1 }; }, /scheduler\.priority can only be specified for SchedFIFO or SchedRR policy/);
  refused(t, (s) => { proc(s).scheduler = { policy: 'SCHED_BATCH', nice: 20 }; }, /invalid scheduler\.nice: 20/);
});

t.test('process.ioPriority: the class and priority the process has', { skip: skip('process.ioPriority', '1.2.0') }, async (t) => {
  const h = new Harness(t);
  t.equal(runSees(t, h, 'ioprio', (s) => { proc(s).ioPriority = { class: 'IOPRIO_CLASS_IDLE', priority: 0 }; }), 'class 3 priority 0');
  t.equal(runSees(t, h, 'ioprio', (s) => { proc(s).ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 7 }; }), 'class 2 priority 7');
  const id = running(t, h, (s) => { proc(s).ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 5 }; });
  t.equal(execSees(t, h, id, 'ioprio'), 'class 2 priority 5', "exec: the container's");
  if (!EXEC_P_OLD) t.equal(execSees(t, h, id, 'ioprio', { ioPriority: { class: 'IOPRIO_CLASS_RT', priority: 1 } }), 'class 1 priority 1', "exec: the --process file's");
});

t.test('linux.personality: LINUX32 shows a 32-bit machine, in exec too', { skip: skip('linux.personality', '1.4.0') }, async (t) => {
  const h = new Harness(t);
  t.equal(runSees(t, h, 'personality', (s) => { linux(s).personality = { domain: 'LINUX32' }; }), 'personality 0x8 machine i686');
  t.equal(runSees(t, h, 'personality', (s) => { linux(s).personality = { domain: 'LINUX' }; }), 'personality 0x0 machine x86_64');
  const id = running(t, h, (s) => { linux(s).personality = { domain: 'LINUX32' }; });
  t.equal(execSees(t, h, id, 'personality'), 'personality 0x8 machine i686', "exec: the container's");
});

t.test('linux.memoryPolicy: the mode, flags and nodes the process has, in exec too', { skip: skip('linux.memoryPolicy', '1.4.0') }, async (t) => {
  const h = new Harness(t);
  t.equal(runSees(t, h, 'mempolicy', (s) => { linux(s).memoryPolicy = { mode: 'MPOL_BIND', nodes: '0' }; }), 'mode 0x2 nodes 0');
  t.equal(runSees(t, h, 'mempolicy', (s) => {
    linux(s).memoryPolicy = { mode: 'MPOL_INTERLEAVE', nodes: '0', flags: ['MPOL_F_STATIC_NODES'] };
  }), 'mode 0x8003 nodes 0', 'MPOL_INTERLEAVE with MPOL_F_STATIC_NODES');
  t.equal(runSees(t, h, 'mempolicy', (s) => { linux(s).memoryPolicy = { mode: 'MPOL_LOCAL' }; }), 'mode 0x4 nodes');
  const id = running(t, h, (s) => { linux(s).memoryPolicy = { mode: 'MPOL_PREFERRED', nodes: '0' }; });
  t.equal(execSees(t, h, id, 'mempolicy'), 'mode 0x1 nodes 0', "exec: the container's");
  refused(t, (s) => { linux(s).memoryPolicy = { mode: 'MPOL_BIND' }; }, /memory policy mode (MPOL_BIND )?requires at least one node but got 0/);
  refused(t, (s) => { linux(s).memoryPolicy = { mode: 'MPOL_LOCAL', nodes: '0' }; }, /memory policy mode (MPOL_LOCAL )?requires 0 nodes but got 1/);
});

t.test('process.execCPUAffinity: for exec only; the final set, else the initial one', { skip: skip('process.execCPUAffinity', '1.3.0') }, async (t) => {
  const h = new Harness(t);
  const all = runSees(t, h, 'affinity', () => undefined);
  t.equal(runSees(t, h, 'affinity', (s) => { proc(s).execCPUAffinity = { initial: '0', final: '0' }; }), all, "the container's process: not applied");
  const id = running(t, h, (s) => { proc(s).execCPUAffinity = { final: '0' }; });
  t.equal(execSees(t, h, id, 'affinity'), '0', "exec: the container's final set");
  // runc sets the initial set on its init before the cgroup join, which may widen it again (a
  // cpuset cgroup on older kernels); runts sets it in runts-finalize, after the join: it stays
  if (!IS_RUNC) t.equal(execSees(t, h, id, 'affinity', { execCPUAffinity: { initial: '0' } }), '0', 'exec: an initial set only stays');
  t.equal(execSees(t, h, id, 'affinity', { execCPUAffinity: { initial: '0', final: all } }), all, 'exec: the final set after the initial one');
  refused(t, (s) => { proc(s).execCPUAffinity = { initial: '1-0' }; }, /CPUAffinity\.Initial.*1-0/);
});

t.test("without execCPUAffinity the process does not inherit the caller's CPU affinity", { skip: skip('the reset of the CPU affinity', '1.3.1') }, async (t) => {
  const h = new Harness(t);
  const all = runSees(t, h, 'affinity', () => undefined);
  if (all === '0') { t.pass('this host has one CPU: nothing to reset'); return; }
  const pinned = (args: string[]) => spawnSync('taskset', ['-c', '0', BIN, '--root', h.root, ...args], { encoding: 'utf8', env: RT_ENV });
  let r = pinned(['run', '--bundle', h.bundle(['affinity']).dir, h.id()]);
  t.equal(r.stdout.trim(), all, `run under taskset -c 0: every CPU again ${r.stderr.trim()}`);
  const id = running(t, h, () => undefined);
  r = pinned(['exec', id, '/multitool', 'affinity']);
  t.equal(r.stdout.trim(), all, `exec under taskset -c 0: every CPU again ${r.stderr.trim()}`);
});

t.test('features lists the memory policy modes and flags, as runc 1.4 does', { skip: skip('linux.memoryPolicy in features', '1.4.0') }, async (t) => {
  const h = new Harness(t);
  const r = h.rt(['features']);
  t.equal(r.status, 0, r.stderr);
  const mp = JSON.parse(r.stdout).linux?.memoryPolicy;
  t.same(mp?.modes, ['MPOL_BIND', 'MPOL_DEFAULT', 'MPOL_INTERLEAVE', 'MPOL_LOCAL', 'MPOL_PREFERRED', 'MPOL_PREFERRED_MANY', 'MPOL_WEIGHTED_INTERLEAVE']);
  t.same(mp?.flags, ['MPOL_F_NUMA_BALANCING', 'MPOL_F_RELATIVE_NODES', 'MPOL_F_STATIC_NODES']);
});
