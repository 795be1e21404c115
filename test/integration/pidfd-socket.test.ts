// --pidfd-socket (create, run, exec; runc 1.2): the socket receives one message, runc's data
// ("standard" for the container's process, "setns" for an exec'd one) with a pidfd of that
// process; a socket that cannot be reached fails before anything is made. And `run
// --no-subreaper`, which runc has always had, is accepted.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { receiver } from '../lib/console.js';
import { nothingLeft, oneError } from '../lib/nothing-left.js';
import { BIN, Harness, IS_RUNC, skipUnlessRoot } from '../lib/runtime.js';

const OLD_RUNC = IS_RUNC && /runc version 1\.[01]\./.test(spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout);
const skip = skipUnlessRoot || (OLD_RUNC && 'runc 1.1 has no --pidfd-socket (runc 1.2.0 brought it)');

t.test('create --pidfd-socket: a pidfd of the container process, with "standard"', { skip }, async (t) => {
  const h = new Harness(t);
  const rx = receiver(h.dir, ['pidfd'], 'pidfd.sock');
  t.teardown(rx.stop);
  const id = h.id();
  const r = h.rt(['create', '--pidfd-socket', rx.sock, '--bundle', h.bundle(['hold']).dir, id]);
  t.equal(r.status, 0, r.stderr);
  const got = await rx.done;
  t.equal(got.header.fds, '1', 'one fd');
  t.equal(got.header.name, 'standard', "runc's data");
  t.equal(got.output.trim(), `pid=${h.state(id)?.pid}`, "a pidfd of the container's process");
});

t.test('exec --pidfd-socket: a pidfd of the exec\'d process, with "setns"', { skip }, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  t.equal(h.rt(['run', '-d', '--bundle', h.bundle(['hold']).dir, id]).status, 0, 'a running container');
  const rx = receiver(h.dir, ['pidfd'], 'pidfd.sock');
  t.teardown(rx.stop);
  const pidFile = join(h.dir, 'exec.pid');
  const r = h.rt(['exec', '-d', '--pid-file', pidFile, '--pidfd-socket', rx.sock, id, '/multitool', 'hold']);
  t.equal(r.status, 0, r.stderr);
  const got = await rx.done;
  t.equal(got.header.name, 'setns', "runc's data");
  t.equal(got.output.trim(), `pid=${readFileSync(pidFile, 'utf8').trim()}`, "a pidfd of the exec'd process");
});

t.test('--pidfd-socket that nobody listens on: one error line, nothing left', { skip }, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const msg = oneError(t, h.rt(['run', '-d', '--pidfd-socket', join(h.dir, 'nobody.sock'), '--bundle', h.bundle(['hold']).dir, id]), 'run');
  t.match(msg, /nobody\.sock/, 'names the socket');
  nothingLeft(t, h, id);
});

t.test('run --no-subreaper is accepted', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['echo', 'ran']), h.id(), ['--no-subreaper']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'ran\n');
});
