// update (a resources file, stdin, runc's per-field flags) read back from the cgroup files, and
// events: one --stats event with the limits, a stream every --interval, and an "oom" event when
// a process of the container is killed for memory.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resources } from '../../src/spec/types.js';
import { Harness, IS_RUNC, skipUnlessRoot, waitFor } from '../lib/runtime.js';
import { controllerDir } from '../lib/host.js';
import { cgFile, skip } from './cgroups-lib.js';
import { sharesToWeight } from '../../src/cgroups/convert.js';

const MiB = 1 << 20;

/** A started container (detached) with these resources; its id and init pid. */
function started(h: Harness, res: Resources, args = ['hold']): { id: string; pid: number } {
  const b = h.bundle(args, (s) => Object.assign(s.linux!.resources!, res));
  const id = h.id();
  const r = h.rt(['run', '-d', '--bundle', b.dir, id]);
  if (r.status !== 0) throw new Error(`run -d: ${r.stderr}`);
  return { id, pid: h.state(id)!.pid };
}

const v1 = (pid: number, ctrl: string) => controllerDir(pid, ctrl)?.version === 1;

/** The memory limit file and its text for `bytes`, by hierarchy. */
function memLimit(pid: number): string | undefined {
  return cgFile(pid, 'memory', v1(pid, 'memory') ? 'memory.limit_in_bytes' : 'memory.max');
}

function statsOf(h: Harness, id: string): any {
  const r = h.rt(['events', '--stats', id]);
  if (r.status !== 0) throw new Error(`events --stats: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`events --stats printed ${lines.length} lines`);
  return JSON.parse(lines[0]);
}

const jsonLines = (text: string) => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

t.test('update -r FILE, -r - (stdin), and runc\'s per-field flags change the cgroup files', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = started(h, { memory: { limit: 64 * MiB }, pids: { limit: 50 } });
  t.equal(memLimit(c.pid), String(64 * MiB));
  const file = join(h.dir, 'res.json');
  writeFileSync(file, JSON.stringify({ memory: { limit: 96 * MiB }, pids: { limit: 40 }, cpu: { shares: 300, quota: 20000, period: 100000 } }));
  let r = h.rt(['update', '-r', file, c.id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(memLimit(c.pid), String(96 * MiB), 'memory from the file');
  t.equal(cgFile(c.pid, 'pids', 'pids.max'), '40', 'pids from the file');
  if (v1(c.pid, 'cpu')) {
    t.equal(cgFile(c.pid, 'cpu', 'cpu.shares'), '300');
    t.equal(cgFile(c.pid, 'cpu', 'cpu.cfs_quota_us'), '20000');
  } else t.equal(cgFile(c.pid, 'cpu', 'cpu.max'), '20000 100000');

  r = h.rt(['update', '-r', '-', c.id], { input: JSON.stringify({ memory: { limit: 80 * MiB }, pids: { limit: 30 } }) });
  t.equal(r.status, 0, r.stderr);
  t.equal(memLimit(c.pid), String(80 * MiB), 'memory from stdin');
  t.equal(cgFile(c.pid, 'pids', 'pids.max'), '30', 'pids from stdin');

  r = h.rt(['update', '--memory', '72m', '--memory-reservation', '16m', '--cpu-quota', '25000', '--cpu-period', '50000',
    '--cpu-share', '700', '--pids-limit', '33', '--cpuset-cpus', '0', c.id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(memLimit(c.pid), String(72 * MiB), '--memory with a unit');
  t.equal(cgFile(c.pid, 'pids', 'pids.max'), '33', '--pids-limit');
  t.equal(cgFile(c.pid, 'cpuset', 'cpuset.cpus'), '0', '--cpuset-cpus');
  if (v1(c.pid, 'memory')) t.equal(cgFile(c.pid, 'memory', 'memory.soft_limit_in_bytes'), String(16 * MiB), '--memory-reservation');
  if (v1(c.pid, 'cpu')) {
    t.equal(cgFile(c.pid, 'cpu', 'cpu.cfs_quota_us'), '25000', '--cpu-quota');
    t.equal(cgFile(c.pid, 'cpu', 'cpu.cfs_period_us'), '50000', '--cpu-period');
    t.equal(cgFile(c.pid, 'cpu', 'cpu.shares'), '700', '--cpu-share');
  } else t.equal(cgFile(c.pid, 'cpu', 'cpu.max'), '25000 50000');
  if (IS_RUNC) skip(t, 'runc 1.1.5 spells it --cpu-share only');
  else {
    t.equal(h.rt(['update', '--cpu-shares', '800', c.id]).status, 0);
    // on cgroup v2 the shares become cpu.weight by runc's conversion (seen in the systemd test VM)
    t.equal(cgFile(c.pid, 'cpu', v1(c.pid, 'cpu') ? 'cpu.shares' : 'cpu.weight'), v1(c.pid, 'cpu') ? '800' : String(sharesToWeight(800)), '--cpu-shares');
  }
  const weight = ['blkio.weight', 'blkio.bfq.weight'].find((f) => cgFile(c.pid, 'blkio', f) !== undefined);
  if (!weight) skip(t, 'no v1 blkio weight file on this host');
  else {
    t.equal(h.rt(['update', '--blkio-weight', '250', c.id]).status, 0);
    t.equal(cgFile(c.pid, 'blkio', weight), '250', `--blkio-weight (${weight})`);
  }
  r = h.rt(['update', '--pids-limit', 'many', c.id]);
  t.equal(r.status, 1, 'a malformed value is refused');
});

t.test('update refuses bad resources whole, before any cgroup file is written', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = started(h, { memory: { limit: 64 * MiB }, pids: { limit: 50 } });
  const file = join(h.dir, 'res.json');
  const withFile = (res: object) => { writeFileSync(file, JSON.stringify(res)); return h.rt(['update', '-r', file, c.id]); };
  let r = withFile({ memory: { limit: 96 * MiB }, cpu: { shares: -1 } });
  t.equal(r.status, 1, 'a negative uint64');
  t.match(r.stderr, IS_RUNC ? /cannot unmarshal number -1/ : /res\.json: \/cpu\/shares: must be >= 0/);
  r = withFile({ memory: { limit: 96 * MiB }, pids: { limit: 2 ** 64 } });
  t.equal(r.status, 1, 'an int64 out of range');
  t.match(r.stderr, IS_RUNC ? /cannot unmarshal number 1844674407370955\d+ into Go struct field LinuxPids.pids.limit of type int64/ : /res\.json: \/pids\/limit: must be <= 9223372036854775807/);
  t.equal(memLimit(c.pid), String(64 * MiB), 'the memory limit is untouched');
  if (IS_RUNC) skip(t, 'runc 1.1.5\'s update ignores linux.resources.devices altogether (SkipDevices): it applies the memory limit');
  else {
    r = withFile({ memory: { limit: 96 * MiB }, devices: [{ allow: true, type: 'c', major: -5, access: 'r' }] });
    t.equal(r.status, 1, 'a bad device rule');
    t.match(r.stderr, /linux\.resources\.devices\[0\]: invalid major -5/);
    t.equal(memLimit(c.pid), String(64 * MiB), 'the memory limit is untouched (it was written before the rules were read)');
    t.equal(h.rt(['update', '--memory', '96m', c.id]).status, 0, 'a good update still applies');
    t.equal(memLimit(c.pid), String(96 * MiB));
  }
});

t.test('update --cpu-burst and --cpu-idle (runc 1.2)', { skip: skipUnlessRoot || (IS_RUNC && 'runc 1.1.5 has neither flag (runc 1.2.0 brought them)') }, async (t) => {
  const h = new Harness(t);
  const c = started(h, {});
  const burst = v1(c.pid, 'cpu') ? 'cpu.cfs_burst_us' : 'cpu.max.burst';
  if (cgFile(c.pid, 'cpu', burst) === undefined || cgFile(c.pid, 'cpu', 'cpu.idle') === undefined) return skip(t, 'no CFS burst or idle file (Linux < 5.15)');
  let r = h.rt(['update', '--cpu-quota', '50000', '--cpu-period', '100000', '--cpu-burst', '20000', c.id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(cgFile(c.pid, 'cpu', burst), '20000', `--cpu-burst: ${burst}`);
  r = h.rt(['update', '--cpu-idle', '1', c.id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(cgFile(c.pid, 'cpu', 'cpu.idle'), '1', '--cpu-idle 1');
  t.equal(h.rt(['update', '--cpu-idle', '0', c.id]).status, 0);
  t.equal(cgFile(c.pid, 'cpu', 'cpu.idle'), '0', '--cpu-idle 0');
  t.equal(h.rt(['update', '--cpu-burst', 'x', c.id]).status, 1, 'a malformed value is refused');
});

t.test('events --stats: one JSON event with the limits, then the updated ones', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = started(h, { memory: { limit: 64 * MiB }, pids: { limit: 50 } });
  const ev = statsOf(h, c.id);
  t.equal(ev.type, 'stats');
  t.equal(ev.id, c.id);
  for (const k of ['cpu', 'memory', 'pids', 'blkio', 'hugetlb']) t.ok(k in ev.data, `data.${k}`);
  t.equal(ev.data.memory.usage.limit, 64 * MiB, 'memory limit');
  t.ok(ev.data.memory.usage.usage > 0, 'memory usage');
  t.equal(ev.data.pids.limit, 50, 'pids limit');
  t.equal(ev.data.pids.current, 1, 'one process');
  t.ok(ev.data.cpu.usage.total > 0, 'cpu time');
  t.equal(h.rt(['update', '--memory', String(128 * MiB), '--pids-limit', '60', c.id]).status, 0);
  const after = statsOf(h, c.id);
  t.equal(after.data.memory.usage.limit, 128 * MiB, 'the updated memory limit');
  t.equal(after.data.pids.limit, 60, 'the updated pids limit');
  t.equal(h.rt(['kill', c.id, 'KILL']).status, 0);
  h.waitForState(c.id, 'stopped');
  t.not(h.rt(['events', '--stats', c.id]).status, 0, 'a stopped container has no stats');
});

t.test('events --interval streams stats events', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const c = started(h, { pids: { limit: 20 } });
  const ev = h.spawn(['events', '--interval', '200ms', c.id]);
  waitFor('two events', () => jsonLines(ev.output()).length >= 2, 10_000);
  ev.child.kill('SIGKILL');
  await ev.done;
  const [a, b] = jsonLines(ev.output());
  t.same([a.type, a.id, b.type, b.id], ['stats', c.id, 'stats', c.id]);
  t.equal(b.data.pids.limit, 20);
});

t.test('events: an "oom" event when a process is killed for memory', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  if (!controllerDir(process.pid, 'memory')) { skip(t, 'no memory controller'); return; }
  const c = started(h, { memory: { limit: 16 * MiB, swap: 16 * MiB } });
  const ev = h.spawn(['events', '--interval', '300ms', c.id]);
  waitFor('a first stats event', () => jsonLines(ev.output()).length >= 1, 10_000);
  const r = h.rt(['exec', c.id, '/multitool', 'alloc', '64']);
  t.notMatch(r.stdout, /allocated/, 'the allocation did not complete');
  t.equal(r.status, 137, `the exec'd process was killed (${r.stderr.trim()})`);
  waitFor('an oom event', () => jsonLines(ev.output()).some((e) => e.type === 'oom'), 10_000);
  ev.child.kill('SIGKILL');
  await ev.done;
  t.same(jsonLines(ev.output()).find((e) => e.type === 'oom'), { type: 'oom', id: c.id }, 'runc\'s shape: type and id');
  t.equal(h.state(c.id)?.status, 'running', 'the init lives on');
});

t.test('events: an "oom" event when the OOM killer is disabled and a process waits for memory', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  if (!v1(process.pid, 'memory')) { skip(t, 'disableOOMKiller is a cgroup v1 setting'); return; }
  const c = started(h, { memory: { limit: 16 * MiB, swap: 16 * MiB, disableOOMKiller: true } });
  const ev = h.spawn(['events', '--interval', '300ms', c.id]);
  waitFor('a first stats event', () => jsonLines(ev.output()).length >= 1, 10_000);
  const ex = h.spawn(['exec', c.id, '/multitool', 'alloc', '64']);
  waitFor('an oom event', () => jsonLines(ev.output()).some((e) => e.type === 'oom'), 10_000);
  t.match(cgFile(c.pid, 'memory', 'memory.oom_control'), /^under_oom 1$/m, 'the cgroup is under OOM');
  ev.child.kill('SIGKILL');
  t.equal(h.rt(['delete', '--force', c.id]).status, 0, 'delete --force ends the waiting process');
  const r = await ex.done;
  t.notMatch(r.stdout, /allocated/);
  await ev.done;
});
