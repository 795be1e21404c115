// The commands that act on a container's cgroup as a whole: pause and resume (the freezer), ps
// (JSON and ps(1) table), kill --all, and delete, which must leave no process and no cgroup.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { Harness, IS_RUNC, SYSTEMD_CGROUP, skipUnlessRoot, waitFor } from '../lib/runtime.js';
import { alive, cgroupRoots, cmdline, controllerDir } from '../lib/host.js';
import { cgFile, existing, expectedDirs, unifiedDir } from './cgroups-lib.js';

/** What the freezer says about pid's cgroup: "FROZEN"/"THAWED" (v1), or "frozen 1"/"frozen 0" (v2). */
function freezer(pid: number): string | undefined {
  const v = controllerDir(pid, 'freezer');
  if (v?.version === 1) return cgFile(pid, 'freezer', 'freezer.state');
  const dir = unifiedDir(pid);
  return dir ? /^frozen \d$/m.exec(readFileSync(`${dir}/cgroup.events`, 'utf8'))?.[0] : undefined;
}

/** A started container running `args` (detached), and its init's pid. */
function started(h: Harness, args: string[], noPidNs = false): { id: string; pid: number } {
  const b = h.bundle(args, (s) => { if (noPidNs) s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'pid'); });
  const id = h.id();
  const r = h.rt(['run', '-d', '--bundle', b.dir, id]);
  if (r.status !== 0) throw new Error(`run -d: ${r.stderr}`);
  return { id, pid: h.state(id)!.pid };
}

function pids(h: Harness, id: string): number[] {
  const r = h.rt(['ps', '--format', 'json', id]);
  if (r.status !== 0) throw new Error(`ps: ${r.stderr}`);
  return JSON.parse(r.stdout) ?? [];
}

/** Waits until the container has n processes; returns their pids. */
const waitPids = (h: Harness, id: string, n: number) => waitFor(`${n} processes in ${id}`, () => { const p = pids(h, id); return p.length === n && p; });

function assertGone(t: Test, id: string, procs: number[], runcRace = false): void {
  t.same(procs.filter(alive), [], 'every process is gone');
  const v2only = !cgroupRoots().some((r) => r.fstype === 'cgroup');
  if (runcRace && IS_RUNC && v2only && !SYSTEMD_CGROUP) {
    t.pass('no cgroup is left', { skip: 'runc 1.1.5 (cgroupfs, cgroup v2) kills what a stopped container without a pid namespace left and removes the cgroup without waiting for it to exit: rmdir fails EBUSY under the VM\'s slow emulation' });
    return;
  }
  t.same(existing(expectedDirs(id)), [], 'no cgroup is left in any hierarchy');
}

t.test('pause and resume: state, freezer, a created container, delete --force of a paused one', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  if (!controllerDir(process.pid, 'freezer')) { t.pass('skipped', { skip: 'no freezer on this host' }); return; }
  const c = started(h, ['hold']);
  t.equal(h.rt(['pause', c.id]).status, 0);
  t.equal(h.state(c.id)?.status, 'paused');
  t.match(freezer(c.pid), /^(FROZEN|frozen 1)$/, 'the cgroup is frozen');
  t.match(h.rt(['pause', c.id]).stderr, /not running/, 'pausing twice fails');
  t.equal(h.rt(['resume', c.id]).status, 0);
  t.equal(h.state(c.id)?.status, 'running');
  t.match(freezer(c.pid), /^(THAWED|frozen 0)$/, 'thawed');
  t.match(h.rt(['resume', c.id]).stderr, /not paused/, 'resuming a running container fails');

  const b = h.bundle(['hold']), id = h.id();
  t.equal(h.rt(['create', '--bundle', b.dir, id]).status, 0);
  t.equal(h.rt(['pause', id]).status, 0, 'a created container can be paused (as runc)');
  t.equal(h.state(id)?.status, 'paused');
  t.equal(h.rt(['resume', id]).status, 0);
  t.equal(h.state(id)?.status, 'created', 'and is created again once resumed');

  t.equal(h.rt(['pause', c.id]).status, 0);
  t.equal(h.rt(['delete', '--force', c.id]).status, 0, 'delete --force of a paused container');
  assertGone(t, c.id, [c.pid]);
});

t.test('ps: the JSON array of pids, and ps(1) rows for them', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = started(h, ['then', 'hold', '--', 'hold']);
  const two = waitPids(h, c.id, 2);
  t.ok(two.includes(c.pid), 'the init');
  t.equal(h.rt(['exec', '-d', c.id, '/multitool', 'sleep', '60']).status, 0);
  const all = waitPids(h, c.id, 3);
  t.ok(all.some((p) => cmdline(p).join(' ') === '/multitool sleep 60'), 'an exec\'d process');
  t.ok(all.filter((p) => p !== c.pid).some((p) => cmdline(p).join(' ') === '/multitool then hold -- hold'), 'the init\'s forked child');

  let r = h.rt(['ps', c.id]);
  t.equal(r.status, 0, r.stderr);
  const [head, ...rows] = r.stdout.trim().split('\n');
  t.match(head, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/, 'ps -ef\'s header by default');
  t.same(rows.map((l) => Number(l.trim().split(/\s+/)[1])).sort(), [...all].sort(), 'one row per process');
  r = h.rt(['ps', c.id, '-o', 'pid,args']);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^\s*PID COMMAND\n/, 'ps options after the id go to ps(1)');
  t.match(r.stdout, new RegExp(`^\\s*${c.pid} /multitool then hold -- hold$`, 'm'));
  t.equal(r.stdout.trim().split('\n').length, 4);
  t.match(h.rt(['ps', '--format', 'yaml', c.id]).stderr, /invalid format/);
});

t.test('kill --all: every process in the cgroup gets the signal', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  // The init (PID 1, no handler: SIGTERM from outside is dropped) waits for its child, which traps;
  // were the init to exit first, the kernel would SIGKILL the rest of its pid namespace.
  const b = h.bundle(['then', 'trap', '--', 'trap']), id = h.id();
  const init = h.spawn(['run', '--bundle', b.dir, id]);
  waitFor('the init\'s child to trap', () => init.output().includes('ready'));
  const ex = h.spawn(['exec', id, '/multitool', 'trap']);
  waitFor('the exec\'d process to trap', () => ex.output().includes('ready'));
  t.equal(h.rt(['kill', '--all', id, 'TERM']).status, 0);
  const re = await ex.done;
  t.match(re.stdout, /got 15/, 'the exec\'d process got SIGTERM');
  t.equal(re.status, 0, re.stderr);
  waitFor('the init to trap in turn', () => /got 15\n(.*\n)*ready/.test(init.output()));
  t.pass('the init\'s child got SIGTERM');
  t.equal(h.rt(['kill', id, 'TERM']).status, 0);
  const ri = await init.done;
  t.equal(ri.status, 0, ri.stderr);
  t.equal(ri.stdout.match(/got 15/g)?.length, 2, 'then the init itself');

  const c = started(h, ['then', 'hold', '--', 'hold']);
  t.equal(h.rt(['exec', '-d', c.id, '/multitool', 'hold']).status, 0);
  const procs = waitPids(h, c.id, 3);
  t.equal(h.rt(['kill', '--all', c.id, 'KILL']).status, 0);
  h.waitForState(c.id, 'stopped');
  waitFor('every process to die', () => procs.every((p) => !alive(p)), 5000);
  t.pass('SIGKILL reached all three');
  t.equal(h.rt(['delete', c.id]).status, 0);
});

t.test('without a pid namespace: kill --all and delete reach what the init left behind', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  for (const how of ['kill --all', 'delete']) {
    const c = started(h, ['hold'], true);
    t.equal(h.rt(['exec', '-d', c.id, '/multitool', 'hold']).status, 0);
    const procs = waitPids(h, c.id, 2);
    t.equal(h.rt(['kill', c.id, 'KILL']).status, 0);
    h.waitForState(c.id, 'stopped');
    const left = procs.filter((p) => p !== c.pid);
    t.same(waitPids(h, c.id, 1), left, 'ps still lists the exec\'d process of a stopped container');
    if (how === 'kill --all') {
      t.equal(h.rt(['kill', '--all', c.id, 'KILL']).status, 0, 'kill --all of a stopped container');
      waitFor('the leftover to die', () => !alive(left[0]), 5000);
    }
    const r = h.rt(['delete', c.id]);
    t.equal(r.status, 0, `delete after ${how}: ${r.stderr}`);
    assertGone(t, c.id, procs, true);
  }
});

t.test('delete --force of a running container: processes gone and cgroups removed when it returns', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = started(h, ['then', 'hold', '--', 'hold']);
  t.equal(h.rt(['exec', '-d', c.id, '/multitool', 'hold']).status, 0);
  const procs = waitPids(h, c.id, 3);
  t.same(existing(expectedDirs(c.id)), Object.values(expectedDirs(c.id)), 'the cgroups exist');
  t.equal(h.rt(['delete', '--force', c.id]).status, 0);
  assertGone(t, c.id, procs);
  t.equal(h.state(c.id), undefined);
});
