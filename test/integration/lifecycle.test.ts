// The container lifecycle through runc's command line: run, create/start, state, list, kill, delete.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, info, IS_RUNC, skipUnlessRoot } from '../lib/runtime.js';
import { alive } from '../lib/host.js';

t.test('run in the foreground: PID 1, hostname, exit status', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['info']));
  t.equal(r.status, 0, r.stderr);
  const i = info(r.stdout);
  t.equal(i.pid, 1, 'PID 1 in its pid namespace');
  t.equal(i.hostname, 'rtst');
  t.same(i.fds, [0, 1, 2], 'only stdio');
  t.equal(h.run(h.bundle(['exit', '7'])).status, 7, 'exit status passed on');
});

t.test('foreground run killed by a signal exits 128+N', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const fg = h.spawn(['run', '--bundle', h.bundle(['hold']).dir, id]);
  h.waitForState(id, 'running');
  t.equal(h.rt(['kill', id, 'KILL']).status, 0);
  const r = await fg.done;
  t.equal(r.status, 137, `killed by SIGKILL: 128+9 (${r.stderr})`);
  t.equal(h.state(id), undefined, 'run deleted it');
});

t.test('create, state, start, kill, delete', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['trap']);
  const id = h.id();
  const pidFile = join(h.dir, 'pid');
  let r = h.rt(['create', '--bundle', b.dir, '--pid-file', pidFile, id]);
  t.equal(r.status, 0, r.stderr);
  const st = h.state(id)!;
  t.equal(st.status, 'created');
  t.equal(st.id, id);
  t.equal(st.bundle, b.dir);
  t.equal(readFileSync(pidFile, 'utf8'), String(st.pid), 'pid file holds the init pid, no newline');
  t.ok(alive(st.pid), 'init is alive while created');
  r = h.rt(['start', id]);
  t.equal(r.status, 0, r.stderr);
  h.waitForState(id, 'running');
  r = h.rt(['start', id]);
  t.equal(r.status, 1, 'a second start fails');
  r = h.rt(['delete', id]);
  t.equal(r.status, 1, 'delete of a running container without --force fails');
  t.ok(h.state(id), 'and leaves it');
  r = h.rt(['kill', id, 'TERM']);
  t.equal(r.status, 0, r.stderr);
  h.waitForState(id, 'stopped');
  r = h.rt(['delete', id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(h.state(id), undefined, 'gone after delete');
  t.notOk(alive(st.pid));
});

t.test('kill: names, numbers, SIG prefix, default SIGTERM', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  for (const [sig, num] of [['', 15], ['SIGHUP', 1], ['INT', 2], ['1', 1], ['KILL', 9]] as const) {
    const id = h.id();
    const b = h.bundle(['trap']);
    t.equal(h.rt(['run', '-d', '--bundle', b.dir, id]).status, 0);
    h.waitForState(id, 'running');
    const pid = h.state(id)!.pid;
    const r = h.rt(sig ? ['kill', id, sig] : ['kill', id]);
    t.equal(r.status, 0, `kill ${sig}: ${r.stderr}`);
    h.waitForState(id, 'stopped');
    if (num !== 9) t.ok(!alive(pid), `signal ${sig || 'default'} ended the trap`);
    t.equal(h.rt(['delete', id]).status, 0);
  }
  const id = h.id();
  t.equal(h.rt(['run', '-d', '--bundle', h.bundle(['hold']).dir, id]).status, 0);
  const r = h.rt(['kill', id, 'NOSUCHSIG']);
  t.equal(r.status, 1, 'unknown signal is an error');
  t.match(r.stderr, /signal/i);
  t.equal(h.rt(['delete', '--force', id]).status, 0, 'delete --force of a running container');
  t.equal(h.state(id), undefined);
});

t.test('run -d, --keep, and delete --force of a missing container', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  let r = h.rt(['run', '--keep', '--bundle', h.bundle(['exit', '3']).dir, id]);
  t.equal(r.status, 3);
  t.equal(h.state(id)?.status, 'stopped', '--keep leaves the stopped container');
  t.equal(h.rt(['delete', id]).status, 0);
  r = h.rt(['delete', '--force', id]);
  t.equal(r.status, 0, 'delete --force of a container that is gone succeeds (containerd relies on it)');
  r = h.rt(['delete', id]);
  t.equal(r.status, 1);
  t.match(r.stderr, /does not exist/);
  r = h.rt(['state', id]);
  t.equal(r.status, 1);
  t.match(r.stderr, /does not exist/);
});

t.test('list: table, json, -q', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const a = h.id(), c = h.id();
  t.equal(h.rt(['create', '--bundle', h.bundle(['true']).dir, a]).status, 0);
  t.equal(h.rt(['run', '-d', '--bundle', h.bundle(['hold']).dir, c]).status, 0);
  h.waitForState(c, 'running');
  const q = h.rt(['list', '-q']).stdout.trim().split('\n').sort();
  t.same(q, [a, c].sort());
  const json = JSON.parse(h.rt(['list', '--format', 'json']).stdout) as { id: string; status: string; pid: number }[];
  t.same(json.map((e) => [e.id, e.status]).sort(), [[a, 'created'], [c, 'running']].sort());
  const table = h.rt(['list']).stdout.split('\n');
  t.match(table[0], /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER/);
  t.ok(table.some((l) => l.startsWith(a) && /\screated\s/.test(l)));
  for (const id of [a, c]) t.equal(h.rt(['delete', '--force', id]).status, 0);
  t.equal(h.rt(['list', '-q']).stdout, '');
});

t.test('a config without process: create works, start fails', {
  skip: skipUnlessRoot || (IS_RUNC && 'runc 1.1.5 refuses a config without process at create (the spec allows it; runc 1.2 accepts it)'),
}, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true'], (s) => { delete s.process; });
  const id = h.id();
  let r = h.rt(['create', '--bundle', b.dir, id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(h.state(id)?.status, 'created');
  r = h.rt(['start', id]);
  t.equal(r.status, 1);
  t.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  t.equal(h.rt(['delete', '--force', id]).status, 0);
});

t.test('concurrent creates of one id: exactly one wins', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const b = h.bundle(['hold']);
  const runs = [0, 1, 2, 3].map(() => h.spawn(['create', '--bundle', b.dir, id]));
  const results = await Promise.all(runs.map((x) => x.done));
  const ok = results.filter((r) => r.status === 0);
  t.equal(ok.length, 1, 'one create succeeded');
  for (const r of results.filter((x) => x.status !== 0)) {
    t.equal(r.status, 1);
    t.match(r.stderr, /already exists/);
  }
  const st = h.state(id)!;
  t.equal(st.status, 'created', 'the winner is intact');
  t.ok(alive(st.pid));
  t.equal(h.rt(['start', id]).status, 0);
  h.waitForState(id, 'running');
  t.equal(h.rt(['delete', '--force', id]).status, 0);
});

t.test('--preserve-fds passes fds 3.. on', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const f = join(h.dir, 'extra');
  writeFileSync(f, 'hello');
  const id = h.id();
  const r = h.rt(['run', '--preserve-fds', '1', '--bundle', h.bundle(['info']).dir, id], { fds: [f] });
  t.equal(r.status, 0, r.stderr);
  t.same(info(r.stdout).fds, [0, 1, 2, 3]);
});

t.test('--log with --log-format json', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const log = join(h.dir, 'log.json');
  const r = h.rt(['--log', log, '--log-format', 'json', 'state', h.id()]);
  t.equal(r.status, 1);
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const last = lines[lines.length - 1];
  t.equal(last.level, 'error');
  t.match(last.msg, /does not exist/);
  t.ok(!Number.isNaN(Date.parse(last.time)), 'time is a timestamp');
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line on stderr too');
});
