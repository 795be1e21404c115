// The state directory <root>/<id>: state.json written atomically (temp file, fsync, rename)
// under an flock on the directory, read without a lock (rename makes reads consistent).
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { lockExclusive } from '../linux/fd.js';
import { checkId } from '../spec/check/id.js';
import type { Spec } from '../spec/types.js';
import { errExist, errNotExist } from './errors.js';
import { RuntsError } from '../errors.js';

export const EXEC_SOCK = 'exec.sock';

/** What runts remembers of a container; status is derived, never stored. */
export interface Saved {
  id: string;
  pid: number;
  startTime: string;      // /proc/<pid>/stat field 22 of the init
  bundle: string;
  rootfs: string;
  created: string;        // RFC 3339
  owner: string;
  spec: Spec;
  cgroupPaths: Record<string, string>;
  systemdCgroup: boolean;
  /** --systemd-cgroup: the unit holding the container's cgroup */
  systemdUnit?: string;
  /** create --no-new-keyring: exec'd processes keep the caller's session keyring too */
  noNewKeyring?: boolean;
  /** mount id of the rootfs bind made in runts' mount namespace (no mount namespace: host-mounts.ts) */
  rootfsBind?: number;
  /** Written by create before it makes anything (cgroups, the init) and again once the init's pid
   * is known, so that `delete --force` finds all of it after a crash; create's last write drops it. */
  creating?: boolean;
}

export function stateDir(root: string, id: string): string {
  checkId(id);
  return join(root, id);
}

/** Makes the state dir; exactly one of two concurrent creates of one id succeeds. */
export function makeStateDir(root: string, id: string): string {
  const dir = stateDir(root, id);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  try { mkdirSync(dir, { mode: 0o711 }); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw errExist();
    throw e;
  }
  return dir;
}

export function readSaved(root: string, id: string): Saved {
  const dir = stateDir(root, id);
  let text: string;
  try { text = readFileSync(join(dir, 'state.json'), 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw errNotExist();
    throw e;
  }
  try { return JSON.parse(text) as Saved; } catch {
    throw new RuntsError('runtime', `${join(dir, 'state.json')}: invalid state file`);
  }
}

/** Runs fn holding the state dir's flock. */
export function withLock<T>(dir: string, fn: () => T): T {
  const fd = openSync(dir, 'r');
  try { lockExclusive(fd, dir); return fn(); } finally { closeSync(fd); }
}

export function writeSaved(dir: string, saved: Saved): void {
  withLock(dir, () => writeFileAtomic(join(dir, 'state.json'), JSON.stringify(saved)));
}

export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try { writeSync(fd, text); fsyncSync(fd); } finally { closeSync(fd); }
  renameSync(tmp, path);
}

export function removeStateDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
