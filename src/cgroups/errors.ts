// Cgroup errors carry the file, the directory and the errno text, worded once:
// "cgroup: set memory.limit_in_bytes to 1024 in /sys/fs/cgroup/memory/x: device or resource busy".
import { constants } from 'node:os';
import { errnoText } from '../linux/errors.js';

export class CgroupError extends Error {
  /** The cgroup file a failed read or write was about. */
  file?: string;

  constructor(message: string, readonly code?: string) {
    super(`cgroup: ${message}`);
    this.name = 'CgroupError';
  }
}

/** The errno text of a Node fs error (EBUSY -> "device or resource busy"). */
export function causeText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const num = code ? (constants.errno as Record<string, number>)[code] : undefined;
  return num !== undefined ? errnoText(num) : (e as Error)?.message ?? String(e);
}

export function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code ?? (e as CgroupError)?.code;
}

/** An error for a failed operation on a cgroup file: what is "set cpu.shares to 2" or "read memory.stat". */
export function fileError(what: string, dir: string, e: unknown, extra = ''): CgroupError {
  return new CgroupError(`${what} in ${dir}: ${causeText(e)}${extra}`, errCode(e));
}

/** A resource that this host has no controller (or no file) for. */
export function unsupported(resource: string, file: string, why: string): CgroupError {
  return new CgroupError(`cannot set linux.resources.${resource} (${file}): ${why}`);
}
