// Bad input (issue 2, brief section 4): every malformed config.json, id, command, flag, failing
// or hanging hook and escaping mount destination gives one clear error line and exit status 1,
// and leaves no state dir, mount, cgroup or process behind.
import t, { type Test } from 'tap';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, IS_RUNC, MULTITOOL, skipUnlessRoot, type Bundle } from '../lib/runtime.js';
import { mountsUnder } from '../lib/host.js';
import { errorText, nothingLeft, oneError, processesOf } from '../lib/nothing-left.js';
import type { Hook, Spec } from '../../src/spec/types.js';

const opts = { skip: skipUnlessRoot };

/** create of `b` fails with one error line and leaves nothing; returns the message. */
function createFails(t: Test, h: Harness, b: Bundle, what: string): string {
  const id = h.id();
  const msg = oneError(t, h.rt(['create', '--bundle', b.dir, id]), what);
  nothingLeft(t, h, id);
  return msg;
}

t.test('malformed JSON in config.json', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true']);
  writeFileSync(join(b.dir, 'config.json'), '{"ociVersion": "1.0.2", "process": {');
  const msg = createFails(t, h, b, 'truncated JSON');
  if (!IS_RUNC) t.match(msg, /^config\.json: /, 'names config.json');
  else t.match(msg, /unexpected EOF/, 'runc 1.1.5 says only "unexpected EOF"');
  writeFileSync(join(b.dir, 'config.json'), '[1, 2');
  createFails(t, h, b, 'not an object either');
});

t.test('schema violations name config.json and the JSON path', opts, async (t) => {
  const h = new Harness(t);
  const cases: [string, (s: Spec) => void, string][] = [
    ['an unknown namespace type', (s) => { (s.linux!.namespaces![2] as { type: string }).type = 'bogus'; }, '/linux/namespaces/2/type'],
    ['a string where a number is required', (s) => { (s.process!.user as unknown as { uid: string }).uid = 'zero'; }, '/process/user/uid'],
    ['a number where a string is required', (s) => { (s.root as unknown as { path: number }).path = 7; }, '/root/path'],
  ];
  for (const [what, edit, path] of cases) {
    const msg = createFails(t, h, h.bundle(['true'], edit), what);
    if (IS_RUNC) continue; // runc 1.1.5 words these as Go's decoder or libcontainer does, without a JSON path
    t.match(msg, /config\.json/, `${what}: names config.json`);
    t.ok(msg.includes(path), `${what}: names ${path}: ${msg}`);
  }
});

t.test('a missing rootfs and a missing config.json', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true'], (s) => { s.root!.path = 'nonexistent'; });
  t.equal(createFails(t, h, b, 'missing rootfs'), `invalid rootfs: stat ${join(b.dir, 'nonexistent')}: no such file or directory`);
  const c = h.bundle(['true']);
  rmSync(join(c.dir, 'config.json'));
  t.equal(createFails(t, h, c, 'missing config.json'), 'JSON specification file config.json not found');
});

t.test('ociVersion 2.0.0 is refused', { skip: skipUnlessRoot || (IS_RUNC && 'runc 1.1.5 does not check the major version of ociVersion') }, async (t) => {
  const h = new Harness(t);
  const msg = createFails(t, h, h.bundle(['true'], (s) => { s.ociVersion = '2.0.0'; }), 'ociVersion 2.0.0');
  t.match(msg, /config\.json/);
  t.match(msg, /ociVersion/);
  t.match(msg, /2\.0\.0/);
});

t.test('start of a container without process fails; delete leaves nothing', {
  skip: skipUnlessRoot || (IS_RUNC && 'runc 1.1.5 refuses a config without process at create (the spec allows it; runc 1.2 accepts it)'),
}, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const b = h.bundle(['true'], (s) => { delete s.process; });
  t.equal(h.rt(['create', '--bundle', b.dir, id]).status, 0, 'create accepts it');
  t.match(oneError(t, h.rt(['start', id]), 'start'), /process/, 'the error says there is no process');
  t.equal(h.state(id)?.status, 'created', 'the failed start left it as it was (issue 13: 12)');
  t.equal(h.rt(['delete', '--force', id]).status, 0);
  nothingLeft(t, h, id);
});

t.test('invalid ids', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['true']);
  const long = 'a'.repeat(300), kilo = 'b'.repeat(1024);
  for (const id of ['../x', 'a/b', '', long, kilo, '.']) {
    for (const cmd of [['create', '--bundle', b.dir, id], ['state', id], ['delete', id]]) {
      const msg = oneError(t, h.rt(cmd), `${cmd[0]} ${JSON.stringify(id.slice(0, 20))}`);
      if (cmd[0] !== 'create') continue;
      if (id === '') t.equal(msg, 'container id cannot be empty');
      else if (!IS_RUNC) t.equal(msg, `invalid id format: ${id}`);
      else if (id.length < 256) t.equal(msg, 'invalid container ID format', 'runc 1.1.5\'s text (1.2 says "invalid id format: ID")');
      // runc 1.1.5 has no length limit: a 300-byte id fails only at lstat (file name too long)
    }
    nothingLeft(t, h, id);
  }
  t.same(readdirSync(h.dir).filter((e) => e === 'x'), [], 'nothing made next to the root for "../x"');
});

t.test('a malformed state dir: one line naming state.json, left as it is', opts, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  mkdirSync(join(h.root, id), { recursive: true });
  writeFileSync(join(h.root, id, 'state.json'), '{"id": "x", garbage');
  for (const cmd of [['state', id], ['start', id], ['kill', id, 'KILL'], ['delete', id], ['delete', '--force', id]]) {
    const msg = oneError(t, h.rt(cmd), cmd.join(' '));
    if (!IS_RUNC) t.match(msg, /state\.json: invalid state file$/, `${cmd[0]}: names state.json`);
  }
  t.ok(existsSync(join(h.root, id, 'state.json')), 'not removed: a process it describes may still run');
  t.equal(h.rt(['list', '-q']).status, 0, 'list still works');
  rmSync(join(h.root, id), { recursive: true });
  nothingLeft(t, h, id);
});

t.test('a second create of an existing id', opts, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const b = h.bundle(['hold']);
  t.equal(h.rt(['create', '--bundle', b.dir, id]).status, 0);
  const first = h.state(id)!;
  t.equal(oneError(t, h.rt(['create', '--bundle', b.dir, id]), 'second create'), 'container with given ID already exists');
  t.same(h.state(id), first, 'the first container is unharmed');
  t.equal(h.rt(['delete', '--force', id]).status, 0);
  nothingLeft(t, h, id);
});

t.test('unknown commands and flags', opts, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const cases: [string[], RegExp, string][] = [
    [['frobnicate'], /frobnicate/, 'an unknown command'],
    [['create', '--bogus', id], /bogus/, 'an unknown flag of a command'],
    [['--bogus', 'state', id], /bogus/, 'an unknown global flag'],
  ];
  for (const [args, re, what] of cases) {
    const r = h.rt(args);
    if (IS_RUNC) {
      // runc prints usage text before the error line, and exits 3 for an unknown command
      t.not(r.status, 0, `${what}: fails`);
      t.match(r.stderr, re, `${what}: named`);
      continue;
    }
    t.match(oneError(t, r, what), re, `${what}: named`);
  }
  nothingLeft(t, h, id);
});

function hookBundle(h: Harness, hook: Hook): Bundle {
  return h.bundle(['true'], (s) => { s.hooks = { createRuntime: [hook] }; });
}

t.test('a createRuntime hook that fails: create fails, nothing left', opts, async (t) => {
  const h = new Harness(t);
  const msg = createFails(t, h, hookBundle(h, { path: '/bin/false' }), 'failing hook');
  t.match(msg, /createRuntime|hook/i, 'the error names the hook');
  const missing = createFails(t, h, hookBundle(h, { path: join(h.dir, 'no-such-hook') }), 'missing hook');
  t.match(missing, /no-such-hook/, 'the error names the missing hook');
});

t.test('a hook that hangs past its timeout is killed; create fails, nothing left', opts, async (t) => {
  const h = new Harness(t);
  const marker = `rtst-hang-${process.pid}`;
  const started = Date.now();
  createFails(t, h, hookBundle(h, { path: MULTITOOL, args: [marker, 'sleep', '100'], timeout: 1 }), 'hanging hook');
  const took = Date.now() - started;
  t.ok(took < 10_000, `failed within a few seconds (${took} ms)`);
  t.same(processesOf(h, marker), [], 'the hook process is gone');
});

t.test('a mount destination that is a symlink out of the rootfs lands inside or fails', opts, async (t) => {
  const h = new Harness(t);
  const outside = join(h.dir, 'outside');
  mkdirSync(outside);
  const b = h.bundle(['cat', '/proc/self/mountinfo'], (s) => {
    s.mounts!.push({ destination: '/evil', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] });
  });
  symlinkSync(outside, join(b.rootfs, 'evil'));
  const id = h.id();
  const r = h.run(b, id);
  if (r.status === 0) {
    const points = r.stdout.trim().split('\n').map((l) => l.split(' ')[4]);
    t.ok(points.includes(outside), `the tmpfs is at the symlink's target inside the container root: ${points.join(' ')}`);
    t.ok(existsSync(join(b.rootfs, outside)), 'its mount point was made inside the rootfs');
  } else {
    t.match(oneError(t, r, 'escaping destination'), /evil/, 'the error names the destination');
  }
  t.same(readdirSync(outside), [], 'nothing appeared in the outside dir');
  t.same(mountsUnder(outside), [], 'the host sees no mount there');
  nothingLeft(t, h, id);
});

t.test('a process.cwd that does not exist is created', opts, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['info'], (s) => { s.process!.cwd = '/does/not/exist'; }));
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /"cwd":"\/does\/not\/exist"/);
});

t.test('a missing executable and a non-executable file', opts, async (t) => {
  const h = new Harness(t);
  for (const cmd of ['run', 'create'] as const) {
    const id = h.id();
    const b = h.bundle(['true'], (s) => { s.process!.args = ['nope']; });
    const msg = oneError(t, h.rt([cmd, '--bundle', b.dir, id]), `${cmd} of "nope"`);
    t.match(msg, /exec: "nope": executable file not found in \$PATH$/, 'runc\'s text');
    nothingLeft(t, h, id);
  }
  const b = h.bundle(['true'], (s) => { s.process!.args = ['/plain']; });
  writeFileSync(join(b.rootfs, 'plain'), 'not a program\n');
  chmodSync(join(b.rootfs, 'plain'), 0o644);
  const id = h.id();
  t.match(oneError(t, h.run(b, id), 'run of a non-executable file'), /exec: "\/plain": .*permission denied$/);
  nothingLeft(t, h, id);
});

t.test('exec of a missing program and of a non-executable file: exit 255, one line, the container unharmed', opts, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(['hold']);
  writeFileSync(join(b.rootfs, 'plain'), 'not a program\n');
  const id = h.id();
  t.equal(h.rt(['run', '-d', '--bundle', b.dir, id]).status, 0);
  for (const [prog, re] of [['nope', /exec: "nope": executable file not found in \$PATH$/], ['/plain', /exec: "\/plain": .*permission denied$/]] as const) {
    const r = h.rt(['exec', id, prog]);
    t.equal(r.status, 255, `exec ${prog}: exit status 255 (${r.stderr.trim()})`);
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    t.match(errorText(r), re);
  }
  t.equal(h.state(id)?.status, 'running', 'the container still runs');
  t.equal(h.rt(['delete', '--force', id]).status, 0);
  nothingLeft(t, h, id);
});
