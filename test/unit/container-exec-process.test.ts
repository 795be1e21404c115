// The process `runts exec` runs (src/container/exec-process.ts): the container's process with
// the arguments and flags applied as runc applies them, or a --process file on its own; --cap
// never reaches the inheritable set (CVE-2022-29162); an env without PATH gets a default one.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execProcess, type ExecProcessOpts } from '../../src/container/exec-process.js';
import type { Process } from '../../src/spec/types.js';
import { tempDir } from '../lib/container-records.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const opts = (over: Partial<ExecProcessOpts> = {}): ExecProcessOpts =>
  ({ args: ['ps'], tty: false, env: [], additionalGids: [], caps: [], noNewPrivs: false, ...over });
const base = (): Process => ({
  terminal: true, args: ['init'], cwd: '/app', env: ['PATH=/app/bin', 'HOME=/root'],
  user: { uid: 10, gid: 20, additionalGids: [30] },
  capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], inheritable: ['CAP_KILL'], permitted: ['CAP_KILL'], ambient: [] },
  scheduler: { policy: 'SCHED_BATCH' }, ioPriority: { class: 'IOPRIO_CLASS_IDLE' }, execCPUAffinity: { initial: '0' },
  rlimits: [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 10 }],
});

t.test("flags over the container's process: args, terminal, env appended, cwd, user; the rest kept", (t) => {
  const b = base();
  const p = execProcess(b, opts({ args: ['sh', '-c', 'id'], env: ['A=1'], cwd: '/tmp', user: '1000:2000', additionalGids: [7] }));
  t.same(p.args, ['sh', '-c', 'id']);
  t.equal(p.terminal, false, '-t not given');
  t.same(p.env, ['PATH=/app/bin', 'HOME=/root', 'A=1'], "the container's env, then --env");
  t.equal(p.cwd, '/tmp');
  t.same(p.user, { uid: 1000, gid: 2000, additionalGids: [30, 7] });
  t.same(p.rlimits, b.rlimits, 'rlimits kept');
  t.same(p.capabilities, b.capabilities, 'capabilities kept');
  t.same(b, base(), "the container's process is not changed");
  t.equal(execProcess(b, opts({ tty: true })).terminal, true, '-t');
  t.same(execProcess(b, opts()).cwd, '/app', "the container's cwd without --cwd");
  t.end();
});

t.test('--user: uid alone keeps the gid; numbers as strconv.Atoi reads them, with runc\'s error', (t) => {
  t.same(execProcess(base(), opts({ user: '1000' })).user, { uid: 1000, gid: 20, additionalGids: [30] });
  t.same(execProcess(base(), opts({ user: '+5:0' })).user, { uid: 5, gid: 0, additionalGids: [30] });
  t.throws(() => execProcess(base(), opts({ user: 'nobody' })), { message: 'parsing nobody as int for uid failed: strconv.Atoi: parsing "nobody": invalid syntax' });
  t.throws(() => execProcess(base(), opts({ user: '1:x' })), { message: 'parsing x as int for gid failed: strconv.Atoi: parsing "x": invalid syntax' });
  t.throws(() => execProcess(base(), opts({ additionalGids: [-1] })), { message: 'additional-gids must be a positive number -1' });
  t.end();
});

t.test('--cap adds to bounding, effective, permitted and ambient, never to inheritable (CVE-2022-29162)', (t) => {
  const p = execProcess(base(), opts({ caps: ['CAP_NET_ADMIN', 'CAP_KILL'] }));
  t.same(p.capabilities, {
    bounding: ['CAP_KILL', 'CAP_NET_ADMIN'], effective: ['CAP_KILL', 'CAP_NET_ADMIN'], inheritable: ['CAP_KILL'],
    permitted: ['CAP_KILL', 'CAP_NET_ADMIN'], ambient: ['CAP_NET_ADMIN', 'CAP_KILL'],
  }, 'each once');
  const none = { ...base(), capabilities: undefined };
  const q = execProcess(none, opts({ caps: ['CAP_CHOWN'] }));
  t.same(q.capabilities, { bounding: ['CAP_CHOWN'], effective: ['CAP_CHOWN'], permitted: ['CAP_CHOWN'], ambient: ['CAP_CHOWN'] }, 'none before: no inheritable set made');
  t.end();
});

t.test('--no-new-privs and --apparmor set; without them the container\'s values stay', (t) => {
  const b = { ...base(), noNewPrivileges: false, apparmorProfile: 'ctr' };
  t.match(execProcess(b, opts({ noNewPrivs: true, apparmor: 'other' })), { noNewPrivileges: true, apparmorProfile: 'other' });
  t.match(execProcess(b, opts()), { noNewPrivileges: false, apparmorProfile: 'ctr' });
  t.end();
});

t.test('env: a default PATH only when none is given; a container without a process: root in /', (t) => {
  t.same(execProcess({ ...base(), env: ['A=1'] }, opts()).env, ['A=1', DEFAULT_PATH]);
  t.same(execProcess({ ...base(), env: undefined }, opts({ env: ['PATH=/x'] })).env, ['PATH=/x'], 'PATH from --env');
  const p = execProcess(undefined, opts());
  t.match(p, { args: ['ps'], cwd: '/', user: { uid: 0, gid: 0 }, env: [DEFAULT_PATH] });
  t.equal(p.capabilities, undefined, "no capabilities invented (never the runtime's own)");
  t.throws(() => execProcess(base(), opts({ args: [] })), /no command given/, 'no arguments and no --process');
  t.end();
});

t.test("--process: the file's process alone (flags ignored), zero values filled in, the container's capabilities and scheduling where it has none", (t) => {
  const dir = tempDir(t, 'exec');
  const file = (name: string, v: unknown) => { const f = join(dir, name); writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v)); return f; };
  const minimal = file('min.json', { args: ['top'] });
  const p = execProcess(base(), opts({ processFile: minimal, args: ['ignored'], env: ['IGNORED=1'], cwd: '/ignored', user: '5' }));
  t.same(p.args, ['top']);
  t.equal(p.cwd, '/', 'no cwd: /');
  t.same(p.user, { uid: 0, gid: 0 }, "no user: 0:0 (Go's zero value), not the container's");
  t.same(p.env, [DEFAULT_PATH], "no env: only the default PATH, not the container's");
  t.same(p.capabilities, base().capabilities, "no capabilities: the container's");
  t.same([p.scheduler, p.ioPriority, p.execCPUAffinity], [base().scheduler, base().ioPriority, base().execCPUAffinity], "the container's scheduling");
  t.equal(p.rlimits, undefined, 'rlimits are not taken from the container');
  const own = file('own.json', { args: ['top'], cwd: '/w', env: ['PATH=/p'], user: { uid: 3, gid: 4 }, capabilities: { bounding: ['CAP_CHOWN'] }, ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 1 } });
  t.match(execProcess(base(), opts({ processFile: own })), {
    cwd: '/w', env: ['PATH=/p'], user: { uid: 3, gid: 4 }, capabilities: { bounding: ['CAP_CHOWN'] }, ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 1 },
  });
  t.same(execProcess(base(), opts({ processFile: own })).capabilities, { bounding: ['CAP_CHOWN'] }, "its own capabilities, not merged with the container's");
  t.end();
});

t.test('--process: bad files named with the JSON path of the fault', (t) => {
  const dir = tempDir(t, 'exec');
  const file = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text); return f; };
  t.throws(() => execProcess(base(), opts({ processFile: file('empty-args.json', '{"args": []}') })), { message: `${join(dir, 'empty-args.json')}: /args: must not be empty: it names the program to run` });
  t.throws(() => execProcess(base(), opts({ processFile: file('no-args.json', '{"cwd": "/"}') })), new RegExp(`^${join(dir, 'no-args.json')}: .*args`));
  t.throws(() => execProcess(base(), opts({ processFile: file('bad-uid.json', '{"args": ["x"], "user": {"uid": -1}}') })), new RegExp(`^${join(dir, 'bad-uid.json')}: /user/uid: `));
  t.throws(() => execProcess(base(), opts({ processFile: file('broken.json', '{"args": [') })), new RegExp(`^${join(dir, 'broken.json')}: `), 'not JSON');
  t.throws(() => execProcess(base(), opts({ processFile: join(dir, 'missing.json') })), /missing\.json/, 'a file that does not exist');
  t.end();
});
