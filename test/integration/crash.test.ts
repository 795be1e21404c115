// Fault injection (issue 12: 3): runts killed with SIGKILL at a random moment of create, start,
// exec and delete (the command alone, or its whole process group), then `delete --force`: the
// container is gone with everything it had (state dir, cgroups, processes, mounts), every round.
// create records the container (state.json, "creating") before it makes anything, and again with
// the init's pid before the init enters its cgroups. ROUNDS rounds per operation (default 8),
// the delay drawn from a seeded generator over 1.3 times the operation's measured duration.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, Harness, IS_RUNC, RT_ENV, skipUnlessRoot, waitFor, withEnv, type Bundle } from '../lib/runtime.js';
import { nothingLeft, processesOf } from '../lib/nothing-left.js';

const ROUNDS = Number(process.env.ROUNDS ?? 8);
const opts = {
  skip: skipUnlessRoot || (IS_RUNC && 'runc 1.1.5 leaves a container\'s cgroups behind in some rounds (5-6 of 200 measured for create: it records nothing before making them)'),
};

let seed = Number(process.env.CRASH_SEED ?? 7);
const random = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };

/** Runs the runtime in a process group of its own and SIGKILLs it (or the group) after delayMs
 * (or when kill() is called); done resolves once it has exited. */
function killedRun(h: Harness, args: string[], delayMs: number, group: boolean): { done: Promise<void>; kill(): void } {
  const out = openSync(join(h.dir, 'killed-out'), 'w');
  const [file, argv] = withEnv(RT_ENV, [BIN, '--root', h.root, ...args]);
  const child = spawn(file, argv, { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const kill = () => { try { process.kill(group ? -child.pid! : child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(kill, delayMs);
    child.on('exit', () => { clearTimeout(timer); resolve(); });
  });
  return { done, kill };
}

function timed(h: Harness, args: string[]): number {
  const t0 = performance.now();
  h.rt(args);
  return performance.now() - t0;
}

async function rounds(t: Test, h: Harness, what: string, prepare: (id: string) => void, args: (id: string) => string[], took: number): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) {
    const id = h.id(what), delay = Math.floor(random() * took * 1.3), group = i % 2 === 1;
    prepare(id);
    await killedRun(h, args(id), delay, group).done;
    const d = h.rt(['delete', '--force', id]);
    t.equal(d.status, 0, `${what}, killed${group ? ' with its group' : ''} after ${delay} ms: delete --force: ${d.stderr}`);
    // a SIGKILLed process can take a moment to leave the kernel (a cgroup write waiting for RCU)
    try { waitFor(`${id}'s processes to be gone`, () => processesOf(h, id).length === 0, 5000); } catch { /* reported below */ }
    nothingLeft(t, h, id);
  }
}

t.test('killed during create, start, exec and delete: delete --force leaves nothing', opts, async (t) => {
  const h = new Harness(t);
  const b: Bundle = h.bundle(['hold']);
  const create = (id: string) => ['create', '--bundle', b.dir, id];
  const probe = h.id('probe');
  const tCreate = timed(h, create(probe)), tStart = timed(h, ['start', probe]);
  const tExec = timed(h, ['exec', '-d', probe, '/multitool', 'hold']), tDelete = timed(h, ['delete', '--force', probe]);
  t.comment(`measured: create ${tCreate.toFixed(0)} ms, start ${tStart.toFixed(0)}, exec ${tExec.toFixed(0)}, delete ${tDelete.toFixed(0)}`);
  const created = (id: string) => { t.equal(h.rt(create(id)).status, 0, 'create'); };
  const running = (id: string) => { created(id); t.equal(h.rt(['start', id]).status, 0, 'start'); };
  await rounds(t, h, 'create', () => undefined, create, tCreate);
  await rounds(t, h, 'start', created, (id) => ['start', id], tStart);
  await rounds(t, h, 'exec', running, (id) => ['exec', id, '/multitool', 'hold'], tExec);
  await rounds(t, h, 'delete', running, (id) => ['delete', '--force', id], tDelete);
});

t.test('a container whose create was killed is listed as what it is', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['hold']);
  // a createRuntime hook that never returns holds create after the init exists and is recorded
  b.spec.hooks = { createRuntime: [{ path: '/bin/sleep', args: ['sleep', '1000'] }] };
  b.write();
  const id = h.id('held');
  const creating = killedRun(h, ['create', '--bundle', b.dir, id], 60_000, true);
  let st: { status: string; pid: number } | undefined;
  for (let i = 0; i < 200 && !(st = h.state(id))?.pid; i++) await new Promise((r) => setTimeout(r, 25));
  t.equal(st?.status, 'creating', 'state says creating while create runs');
  const list = h.rt(['list', '--format', 'json']);
  t.match(JSON.parse(list.stdout), [{ id, status: 'creating' }], 'list shows it');
  const creator = JSON.parse(list.stdout)[0].pid as number;
  t.ok(creator > 0, 'with the init\'s pid');
  const d = h.rt(['delete', '--force', id]);
  t.equal(d.status, 0, `delete --force of a container being created: ${d.stderr}`);
  creating.kill(); // the create (blocked in its hook) and the hook are the caller's, not the container's
  await creating.done;
  nothingLeft(t, h, id);
});
