// ps: the pids in the container's cgroup; as JSON, or as the rows of ps(1) for those pids.
import type * as ChildProcess from 'node:child_process';
import { savedCgroup } from './cgroup.js';
import { readSaved, stateDir } from './store.js';
import { status } from './status.js';
import { RuntsError } from '../errors.js';

/** The pids in the container's cgroup; as runc, also of a stopped container (what its init left). */
export function containerPids(root: string, id: string): number[] {
  const saved = readSaved(root, id);
  const cg = savedCgroup(saved);
  if (cg) return cg.pids();
  return status(stateDir(root, id), saved) === 'stopped' ? [] : [saved.pid];
}

/** ps(1) output with args (default -ef), keeping the header and the rows of the container's pids. */
export function psTable(pids: number[], args: string[]): string {
  const { spawnSync } = require('node:child_process') as typeof ChildProcess; // not at start-up: it loads net and stream
  const r = spawnSync('ps', args.length ? args : ['-ef'], { encoding: 'utf8' });
  if (r.status !== 0) throw new RuntsError('runtime', `ps ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
  const [head, ...rows] = r.stdout.split('\n');
  const col = head.trim().split(/\s+/).indexOf('PID');
  if (col < 0) throw new RuntsError('runtime', 'couldn\'t find PID field in ps output');
  const want = new Set(pids.map(String));
  return [head, ...rows.filter((l) => want.has(l.trim().split(/\s+/)[col]))].join('\n') + '\n';
}
