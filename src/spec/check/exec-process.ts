// The process of `exec`: a --process file (config.json's process on its own), or the flags that
// change the container's process (--cwd, --env, --cap, --user, --additional-gids).
import { RuntsError } from '../../errors.js';
import type { Process } from '../types.js';
import { checkProcessSupported } from './host-support.js';
import { checkProcess } from './process.js';
import { checkNoNul, checkSchema } from './schema.js';

/**
 * A parsed --process file (`path` names it in errors), checked by the schema of config.json's
 * process and by the same rules (JSON paths in the error). What runc's Go decoding leaves at its
 * zero value is filled in first: a missing user (or uid, gid) is 0, a missing cwd "/"; args are
 * required.
 */
export function checkProcessFile(value: unknown, path: string): Process {
  const p = value as Record<string, unknown>;
  if (p !== null && typeof p === 'object' && !Array.isArray(p)) {
    p.user ??= {};
    const u = p.user as Record<string, unknown>;
    if (u !== null && typeof u === 'object' && !Array.isArray(u)) { u.uid ??= 0; u.gid ??= 0; }
    if (p.cwd === undefined || p.cwd === '') p.cwd = '/';
  }
  checkSchema(p, 'process', path);
  checkNoNul(p, path);
  const proc = p as unknown as Process;
  if (!proc.args?.length) throw new RuntsError('config', `${path}: /args: must not be empty: it names the program to run`);
  checkProcess(proc, path, '');
  checkProcessSupported(proc);
  return proc;
}

/** The process exec's flags made of the container's (checked at create): what the flags changed
 * (--cwd, --env, --cap, --process-label) is checked by the same rules, named "the exec process". */
export function checkFlagsProcess(p: Process): Process {
  checkProcess(p, 'the exec process', '');
  checkProcessSupported(p);
  return p;
}

/** A decimal id as Go's strconv.Atoi reads it, with runc's error text. */
function atoi(text: string, what: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new RuntsError('config', `parsing ${text} as int for ${what} failed: strconv.Atoi: parsing "${text}": invalid syntax`);
  return Number(text);
}

/** --user: UID[:GID]. */
export function parseUser(text: string): { uid: number; gid?: number } {
  const [uid, gid] = text.split(/:(.*)/s);
  return { gid: gid === undefined ? undefined : atoi(gid, 'gid'), uid: atoi(uid, 'uid') };
}

/** One --additional-gids value, read as runc's Go int64 slice flag reads it. */
export function parseGid(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new RuntsError('config', `invalid value "${text}" for flag -additional-gids: strconv.ParseInt: parsing "${text}": invalid syntax`);
  return Number(text);
}

/** --additional-gids' values: gids (runc's text for a negative one). */
export function checkGids(gids: number[]): number[] {
  for (const g of gids) {
    if (g < 0) throw new RuntsError('config', `additional-gids must be a positive number ${g}`);
    if (g > 0xffffffff) throw new RuntsError('config', `additional-gids: ${g} is larger than a gid (4294967295)`);
  }
  return gids;
}
