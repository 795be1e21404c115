// Status is derived, not stored: from the init's pid and start time, the exec socket (present
// until `start`), and the freezer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTime } from '../linux/process.js';
import type { State, Status } from '../spec/types.js';
import { OCI_VERSION } from '../spec/types.js';
import { EXEC_SOCK, type Saved } from './store.js';
import { isFrozen } from './cgroup.js';

export function isAlive(s: Saved): boolean {
  return s.pid > 0 && startTime(s.pid) === s.startTime;
}

export function status(dir: string, s: Saved): Status {
  if (!isAlive(s)) return 'stopped';
  if (s.creating) return 'creating'; // its create is running, or was killed (delete --force removes it)
  if (isFrozen(s)) return 'paused'; // a created container can be paused too (as runc)
  return existsSync(join(dir, EXEC_SOCK)) ? 'created' : 'running';
}

/** The state document of the spec's "state" operation: the one builder of it (state, hooks,
 * the seccomp agent, poststop after a failed create). */
export function stateDoc(s: Pick<Saved, 'id' | 'pid' | 'bundle' | 'spec'>, st: Status): State {
  const doc: State = { ociVersion: OCI_VERSION, id: s.id, status: st, bundle: s.bundle };
  if (st !== 'stopped') doc.pid = s.pid;
  if (s.spec.annotations) doc.annotations = s.spec.annotations;
  return doc;
}
