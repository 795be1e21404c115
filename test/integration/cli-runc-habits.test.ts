// runc's command-line habits (issue 13: 1, 3, 4, 9, 14): options after the container id, help
// for every command (exit 0), `kill ID 0`, list --format json entries as `state` prints them,
// events --interval as a Go duration, integers above 2^53 in events JSON, ps --format json of a
// container without processes.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, IS_RUNC, skipUnlessRoot } from '../lib/runtime.js';

const opts = { skip: skipUnlessRoot };

t.test('help: runts -h, --help, help, help CMD, CMD --help and CMD -h exit 0 with the usage', opts, async (t) => {
  const h = new Harness(t);
  for (const args of [['-h'], ['--help'], ['help']]) {
    const r = h.rt(args);
    t.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    t.match(r.stdout, /USAGE:/);
    t.match(r.stdout, /\bdelete\b/, 'the commands are listed');
  }
  for (const args of [['help', 'delete'], ['delete', '--help'], ['delete', '-h'], ['update', 'x', '--help'], ['exec', '--help']]) {
    const r = h.rt(args);
    t.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    t.match(r.stdout, new RegExp(`USAGE:\\s+\\S+ ${args[0] === 'help' ? args[1] : args[0]} `), `${args.join(' ')}: the command's usage`);
    t.match(r.stdout, /OPTIONS:/, `${args.join(' ')}: its options`);
  }
  t.match(h.rt(['delete', '--help']).stdout, /--force, -f/);
  const bad = h.rt(['help', 'nope']);
  t.not(bad.status, 0, 'help for an unknown command fails');
});

t.test('options after the container id (update, delete, kill)', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['hold']), id = h.id();
  t.equal(h.rt(['create', '--bundle', b.dir, id]).status, 0);
  const up = h.rt(['update', id, '--pids-limit', '77']);
  t.equal(up.status, 0, `update ID --pids-limit: ${up.stderr}`);
  const k = h.rt(['kill', id, 'KILL', '--all']);
  t.equal(k.status, 0, `kill ID KILL --all: ${k.stderr}`);
  h.waitForState(id, 'stopped');
  const d = h.rt(['delete', id, '--force']);
  t.equal(d.status, 0, `delete ID --force: ${d.stderr}`);
  t.equal(h.state(id), undefined, 'deleted');
});

t.test('kill ID 0 checks the init is alive', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['hold']), id = h.id();
  t.equal(h.rt(['run', '-d', '--bundle', b.dir, id]).status, 0);
  const alive = h.rt(['kill', id, '0']);
  t.equal(alive.status, 0, `kill ID 0 on a running container: ${alive.stderr}`);
  t.equal(h.state(id)?.status, 'running', 'signal 0 does nothing to it');
  t.equal(h.rt(['kill', id, 'KILL']).status, 0);
  h.waitForState(id, 'stopped');
  const dead = h.rt(['kill', id, '0']);
  t.not(dead.status, 0, 'kill ID 0 on a stopped container fails');
  t.match(dead.stderr, /container not running/);
  h.rt(['delete', id]);
});

t.test('list --format json: each entry as state prints it (ociVersion, rootfs, annotations)', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['hold'], (s) => { s.annotations = { 'org.example.k': 'v' }; }), id = h.id();
  t.equal(h.rt(['create', '--bundle', b.dir, id]).status, 0);
  const r = h.rt(['list', '--format', 'json']);
  t.equal(r.status, 0, r.stderr);
  const [e] = JSON.parse(r.stdout) as Record<string, unknown>[];
  t.match(e, { id, status: 'created', bundle: b.dir, rootfs: b.rootfs, annotations: { 'org.example.k': 'v' } });
  t.type(e.ociVersion, 'string');
  t.type(e.owner, 'string');
  h.rt(['delete', '--force', id]);
});

t.test('events: --interval takes Go durations; integers above 2^53 exact; ps json of an empty container', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['hold']), id = h.id();
  t.equal(h.rt(['run', '-d', '--bundle', b.dir, id]).status, 0);
  for (const bad of ['0s', '-1s', '5', 'x']) {
    const r = h.rt(['events', '--interval', bad, id]);
    t.equal(r.status, 1, `--interval ${bad} is refused`);
    t.equal(r.stderr.trim().split('\n').length, 1, `--interval ${bad}: one line: ${r.stderr}`);
  }
  t.match(h.rt(['events', '--interval', '0s', id]).stderr, /duration interval must be greater than 0/);
  const stats = h.rt(['events', '--stats', id]);
  t.equal(stats.status, 0, stats.stderr);
  // An unlimited limit is a huge integer (v1: 9223372036854771712, v2: 2^64-1): printed in full.
  const huge = stats.stdout.match(/\d{17,}/g) ?? [];
  t.ok(huge.length, `a limit above 2^53 in ${stats.stdout.slice(0, 300)}`);
  for (const n of huge) t.not(n.slice(-3), '000', `${n} is printed exactly, not rounded`);
  t.equal(h.rt(['kill', id, 'KILL']).status, 0);
  h.waitForState(id, 'stopped');
  const ps = h.rt(['ps', '--format', 'json', id]);
  t.equal(ps.status, 0, ps.stderr);
  t.equal(ps.stdout, 'null\n', 'no processes: Go\'s nil slice');
  h.rt(['delete', id]);
});


t.test('a failure while the container is set up reads "unable to start container process: ..." (issue 13: 16)', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true'], (s) => { s.mounts!.push({ destination: '/m', type: 'bind', source: '/nonexistent-rtst', options: ['bind'] }); });
  const id = h.id();
  const r = h.rt(['create', '--bundle', b.dir, id]);
  t.equal(r.status, 1);
  t.match(r.stderr, /unable to start container process: .*nonexistent-rtst/);
  t.equal(h.state(id), undefined, 'nothing is left');
});

t.test('--debug: debug lines of the stages and the protocol, as JSON lines in --log (issue 13: 10)', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true']);
  const logFile = join(h.dir, 'debug.log');
  const id = h.id();
  const r = h.rt(['--debug', '--log', logFile, '--log-format', 'json', 'run', '--bundle', b.dir, id]);
  t.equal(r.status, 0, r.stderr);
  const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string; time: string });
  const debug = lines.filter((l) => l.level === 'debug');
  t.ok(debug.length > 3, `debug lines in the log (${debug.length})`);
  t.ok(debug.every((l) => typeof l.msg === 'string' && typeof l.time === 'string'), 'each a {"level","msg","time"} object');
  if (!IS_RUNC) {
    t.ok(debug.some((l) => /^stage: started .*runts-nsexec/.test(l.msg)), 'the stages started');
    t.ok(debug.some((l) => /^protocol: .*<- INIT_PID/.test(l.msg)), 'the protocol messages');
    t.ok(debug.some((l) => /^protocol: .*<- READY/.test(l.msg)), 'up to READY');
    t.notMatch(r.stderr, /debug/, 'with --log, stderr has no debug lines');
  }
  const quiet = join(h.dir, 'quiet.log');
  t.equal(h.rt(['--log', quiet, '--log-format', 'json', 'state', id]).status, 1, 'state of the deleted container fails');
  t.notMatch(readFileSync(quiet, 'utf8'), /"level":"debug"/, 'no debug lines without --debug');
  const err = h.rt(['--debug', 'run', '--bundle', b.dir, h.id()]);
  t.equal(err.status, 0);
  t.match(err.stderr, /debug/, 'without --log, debug lines go to stderr');
});
