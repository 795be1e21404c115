// The state directory <root>/<id> (src/container/store.ts) and the listing over it (state.ts):
// ids checked before a path is made, one of two creates wins, state.json written atomically
// under the directory's flock, missing and broken records, what `state` and `list` print.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  makeStateDir, readSaved, removeStateDir, stateDir, withLock, writeFileAtomic, writeSaved,
} from '../../src/container/store.js';
import { containerState, listContainers } from '../../src/container/state.js';
import { alive, saved, tempDir } from '../lib/container-records.js';

/** flock(1) -n on the directory: whether another process could take its lock now. */
const lockFree = (dir: string) => spawnSync('flock', ['-n', dir, 'true']).status === 0;

t.test('ids are checked before a path is made of them', (t) => {
  t.equal(stateDir('/run/x', 'a.b_c-d+e'), '/run/x/a.b_c-d+e');
  t.throws(() => stateDir('/run/x', ''), /container id cannot be empty/);
  for (const id of ['..', '.', 'a/b', '../etc', 'a b', 'a\nb', 'x'.repeat(256)]) {
    t.throws(() => stateDir('/run/x', id), /invalid id format/, JSON.stringify(id.slice(0, 20)));
  }
  t.end();
});

t.test('makeStateDir: the root made 0700 on first use, the dir 0711, a second create of an id refused', (t) => {
  const root = join(tempDir(t, 'store'), 'root');
  const dir = makeStateDir(root, 'c1');
  t.equal(dir, join(root, 'c1'));
  t.equal(statSync(root).mode & 0o777, 0o700, 'root');
  t.equal(statSync(dir).mode & 0o777, 0o711, 'state dir');
  t.throws(() => makeStateDir(root, 'c1'), /container with given ID already exists/);
  t.ok(makeStateDir(root, 'c2'), 'another id beside it');
  t.throws(() => makeStateDir(root, 'a/b'), /invalid id format/);
  t.end();
});

t.test('writeSaved then readSaved gives the record back; a missing one "does not exist", a broken one names its file', (t) => {
  const root = tempDir(t, 'store');
  const dir = makeStateDir(root, 'c1');
  t.throws(() => readSaved(root, 'c1'), /^container does not exist$/, 'a state dir without state.json (create under way)');
  t.throws(() => readSaved(root, 'nope'), /^container does not exist$/);
  const s = saved({ pid: 42, startTime: '7', creating: true, cgroupPaths: { '': '/sys/fs/cgroup/x' } });
  writeSaved(dir, s);
  t.same(readSaved(root, 'c1'), s);
  t.same(readdirSync(dir), ['state.json'], 'no temp file left');
  t.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
  for (const text of ['', '{"id": "c1",', 'not json']) {
    writeFileSync(join(dir, 'state.json'), text);
    t.throws(() => readSaved(root, 'c1'), { message: `${join(dir, 'state.json')}: invalid state file` }, JSON.stringify(text));
  }
  t.end();
});

t.test('writeFileAtomic replaces the file by a rename: a reader has the old or the new text, never a mix', (t) => {
  const dir = tempDir(t, 'store');
  const path = join(dir, 'state.json');
  writeFileAtomic(path, 'old');
  const fd = openSync(path, 'r');
  t.teardown(() => closeSync(fd));
  writeFileAtomic(path, 'new text');
  const b = Buffer.alloc(64);
  t.equal(b.toString('utf8', 0, readSync(fd, b, 0, 64, 0)), 'old', 'an open reader keeps the old file whole');
  t.equal(readFileSync(path, 'utf8'), 'new text');
  writeFileAtomic(join(dir, 'other'), 'x', 0o640);
  t.equal(statSync(join(dir, 'other')).mode & 0o777, 0o640, 'the mode given');
  t.throws(() => writeFileAtomic(join(dir, 'none', 'f'), 'x'), { code: 'ENOENT' });
  t.same(readdirSync(dir).sort(), ['other', 'state.json'], 'no temp file left');
  t.end();
});

t.test('withLock holds the state dir\'s flock while its function runs, and lets go after a throw', (t) => {
  const dir = tempDir(t, 'store');
  t.ok(lockFree(dir), 'free before');
  t.equal(withLock(dir, () => { t.notOk(lockFree(dir), 'another process cannot take it'); return 5; }), 5, "the function's value");
  t.ok(lockFree(dir), 'free after');
  t.throws(() => withLock(dir, () => { throw new Error('boom'); }), /boom/);
  t.ok(lockFree(dir), 'free after a throw');
  t.throws(() => withLock(join(dir, 'gone'), () => 1), { code: 'ENOENT' }, 'a state dir that is gone');
  t.end();
});

t.test('removeStateDir removes the dir and what is in it; a dir already gone is fine', (t) => {
  const root = tempDir(t, 'store');
  const dir = makeStateDir(root, 'c1');
  writeSaved(dir, saved());
  mkdirSync(join(dir, 'sub'));
  removeStateDir(dir);
  t.notOk(existsSync(dir));
  t.doesNotThrow(() => removeStateDir(dir));
  t.end();
});

t.test("state: runc's document (pid 0 once stopped, rootfs, created, owner, annotations if any)", (t) => {
  const root = tempDir(t, 'store');
  writeSaved(makeStateDir(root, 'c1'), saved({ spec: { ociVersion: '1.2.0', annotations: { k: 'v' } } }));
  const st = containerState(root, 'c1');
  t.match(st, { id: 'c1', pid: 0, status: 'stopped', bundle: '/bundles/c1', rootfs: '/bundles/c1/rootfs', created: '2026-01-02T03:04:05.000000006Z', owner: 'root', annotations: { k: 'v' } });
  t.same(Object.keys(st), ['ociVersion', 'id', 'pid', 'status', 'bundle', 'rootfs', 'created', 'annotations', 'owner'], "runc's order");
  const dir = makeStateDir(root, 'c2');
  writeSaved(dir, alive({ id: 'c2' }));
  writeFileSync(join(dir, 'exec.sock'), '');
  t.match(containerState(root, 'c2'), { pid: process.pid, status: 'created' });
  t.notOk('annotations' in containerState(root, 'c2'));
  t.throws(() => containerState(root, 'c3'), /^container does not exist$/);
  t.end();
});

t.test('list: every readable record under the root, sorted by id; the rest skipped', (t) => {
  const base = tempDir(t, 'store');
  t.same(listContainers(join(base, 'missing')), [], 'a root that does not exist yet');
  const root = join(base, 'root');
  mkdirSync(root);
  t.same(listContainers(root), [], 'an empty root');
  writeSaved(makeStateDir(root, 'b'), saved({ id: 'b' }));
  writeSaved(makeStateDir(root, 'a'), alive({ id: 'a' }));
  makeStateDir(root, 'creating');                       // no state.json yet
  writeFileSync(join(makeStateDir(root, 'broken'), 'state.json'), '{');
  writeFileSync(join(root, 'a-file'), 'x');              // not a directory
  mkdirSync(join(root, 'bad id'));                       // not an id
  const list = listContainers(root);
  t.same(list.map((e) => [e.id, e.status, e.pid]), [['a', 'running', process.pid], ['b', 'stopped', 0]]);
  t.end();
});
