// The status of a container is derived from its record (store.ts's Saved), never stored: the
// init's pid and start time, create's mark, the freezer, the exec socket (src/container/status.ts).
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, stateDoc, status } from '../../src/container/status.js';
import { OCI_VERSION } from '../../src/spec/types.js';
import { alive, saved, tempDir } from '../lib/container-records.js';

/** Files of a fake cgroup directory. */
function cgroupDir(t: Test, files: Record<string, string>): string {
  const dir = tempDir(t, 'cgroup');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

t.test('stopped: no pid, a process that has exited, or a pid reused by another process', (t) => {
  const dir = tempDir(t, 'status');
  t.equal(status(dir, saved()), 'stopped', 'pid 0');
  const gone = spawnSync('true').pid!;
  t.equal(status(dir, saved({ pid: gone, startTime: '1' })), 'stopped', 'an exited process');
  t.notOk(isAlive(alive({ startTime: '1' })), 'the pid is alive but started at another time');
  t.equal(status(dir, alive({ startTime: '1' })), 'stopped', 'so it is not the init');
  t.equal(status(dir, saved({ creating: true })), 'stopped', "create's mark on a dead init");
  t.end();
});

t.test('creating, created, running', (t) => {
  const dir = tempDir(t, 'status');
  t.ok(isAlive(alive()));
  t.equal(status(dir, alive({ creating: true })), 'creating', 'create has not finished (or was killed)');
  writeFileSync(join(dir, 'exec.sock'), '');
  t.equal(status(dir, alive()), 'created', 'the exec socket is there until start');
  rmSync(join(dir, 'exec.sock'));
  t.equal(status(dir, alive()), 'running');
  t.end();
});

t.test('paused: the freezer says frozen (cgroup v2 and v1), a created container too', (t) => {
  const dir = tempDir(t, 'status');
  const v2 = cgroupDir(t, { 'cgroup.freeze': '1\n', 'cgroup.events': 'populated 1\nfrozen 1\n' });
  t.equal(status(dir, alive({ cgroupPaths: { '': v2 } })), 'paused', 'v2');
  writeFileSync(join(dir, 'exec.sock'), '');
  t.equal(status(dir, alive({ cgroupPaths: { '': v2 } })), 'paused', 'created, then paused');
  rmSync(join(dir, 'exec.sock'));
  const thawed = cgroupDir(t, { 'cgroup.freeze': '0\n', 'cgroup.events': 'populated 1\nfrozen 0\n' });
  t.equal(status(dir, alive({ cgroupPaths: { '': thawed } })), 'running', 'v2 thawed');
  const v1 = cgroupDir(t, { 'freezer.state': 'FROZEN\n', 'freezer.self_freezing': '1\n' });
  t.equal(status(dir, alive({ cgroupPaths: { freezer: v1 } })), 'paused', 'v1');
  const parent = cgroupDir(t, { 'freezer.state': 'FROZEN\n', 'freezer.self_freezing': '0\n' });
  t.equal(status(dir, alive({ cgroupPaths: { freezer: parent } })), 'running', 'v1: frozen by a parent cgroup only');
  t.equal(status(dir, alive({ cgroupPaths: { '': join(dir, 'gone') } })), 'running', 'a cgroup that is gone');
  t.equal(status(dir, saved({ cgroupPaths: { '': v2 } })), 'stopped', 'a dead init is stopped, frozen or not');
  t.end();
});

t.test("the state document: the runtime's spec version, pid only while not stopped, annotations if any", (t) => {
  const s = alive({ spec: { ociVersion: '1.2.0', annotations: { a: 'b' } } });
  t.same(stateDoc(s, 'running'), { ociVersion: OCI_VERSION, id: 'c1', status: 'running', pid: process.pid, bundle: '/bundles/c1', annotations: { a: 'b' } });
  const doc = stateDoc(saved(), 'stopped');
  t.same(doc, { ociVersion: OCI_VERSION, id: 'c1', status: 'stopped', bundle: '/bundles/c1' });
  t.notOk('pid' in doc, 'no pid once stopped');
  t.notOk('annotations' in doc);
  t.end();
});
