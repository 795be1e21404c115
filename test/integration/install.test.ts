// `make install` into an empty PREFIX gives a runts that works with the checkout gone: it runs
// with the whole checkout hidden under an empty tmpfs (a private mount namespace, so the test's
// own Node and node_modules stay), runs and execs into containers, and unpacks nothing into its
// TMPDIR (koffi's native module is loaded from PREFIX/lib/runts by its path).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, info, IS_RUNC, REPO, RT_ENV, skipUnlessRoot, type Result } from '../lib/runtime.js';

const skip = skipUnlessRoot || (IS_RUNC && 'runts\' own install (make install)');

t.test('make install into an empty PREFIX works without the checkout', { skip }, async (t) => {
  const h = new Harness(t);
  const prefix = join(h.dir, 'prefix'), tmp = join(h.dir, 'tmp');
  mkdirSync(tmp);
  t.teardown(() => rmSync(prefix, { recursive: true, force: true }));
  const make = spawnSync('make', ['-s', 'install', `PREFIX=${prefix}`], { cwd: REPO, encoding: 'utf8' });
  t.equal(make.status, 0, `make install: ${make.stderr}`);
  t.same(readdirSync(prefix).sort(), ['bin', 'lib']);
  t.same(readdirSync(join(prefix, 'lib', 'runts')).sort(), ['koffi.node', 'runts-finalize', 'runts-idmap', 'runts-nsexec'],
    'the executable\'s files: the C stages and koffi\'s module, no node_modules');

  /** The installed runts, with REPO hidden under an empty tmpfs in a private mount namespace. */
  const installed = (args: string[]): Result => {
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs hidden "$1" && shift && exec "$@"', 'sh',
      REPO, join(prefix, 'bin', 'runts'), '--root', h.root, ...args], { env: { ...RT_ENV, TMPDIR: tmp }, encoding: 'utf8', timeout: 30_000 });
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  };
  const run = installed(['run', '--bundle', h.bundle(['info']).dir, h.id()]);
  t.equal(run.status, 0, `run: ${run.stderr}`);
  t.equal(info(run.stdout).pid, 1, 'the container ran as PID 1');

  const id = h.id();
  t.equal(installed(['create', '--bundle', h.bundle(['hold']).dir, id]).status, 0, 'create');
  const ex = installed(['exec', id, '/multitool', 'echo', 'installed']);
  t.equal(ex.stdout.trim(), 'installed', `exec: ${ex.stderr}`);
  t.equal(installed(['delete', '--force', id]).status, 0, 'delete --force');
  t.same(readdirSync(tmp), [], 'nothing unpacked into TMPDIR');
});
