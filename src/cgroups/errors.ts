// Cgroup errors carry the file, the directory and the errno text, worded once:
// "cgroup: set memory.limit_in_bytes to 1024 in /sys/fs/cgroup/memory/x: device or resource busy".
import { constants } from 'node:os';
import { isKind, RuntsError, type ErrorDetail } from '../errors.js';
import { errnoText } from '../linux/errors.js';

/** A 'cgroup' error: "cgroup: TEXT"; its detail keeps TEXT (reason), and the file and errno name
 * where there are. */
export function cgroupError(text: string, detail: Pick<ErrorDetail, 'code' | 'file'> = {}, cause?: unknown): RuntsError {
  return new RuntsError('cgroup', `cgroup: ${text}`, { ...detail, reason: text }, cause);
}

/** The same cgroup error with `note` after its text ("... device or resource busy (current usage: ...)"). */
export function withNote(e: RuntsError, note: string): RuntsError {
  return cgroupError(`${e.detail.reason ?? e.message}${note}`, e.detail, e);
}

/** The errno text of a Node fs error (EBUSY -> "device or resource busy"). */
export function causeText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const num = code ? (constants.errno as Record<string, number>)[code] : undefined;
  return num !== undefined ? errnoText(num) : (e as Error)?.message ?? String(e);
}

/** The errno name of a Node fs error or of a runts error ("EBUSY"). */
export function errCode(e: unknown): string | undefined {
  return (e as { code?: string })?.code;
}

/** Whether `e` is a cgroup error about a file (a failed write of a setting). */
export function isFileError(e: unknown): e is RuntsError {
  return isKind(e, 'cgroup') && e.detail.file !== undefined;
}

/** An error for a failed operation on a cgroup file: what is "set cpu.shares to 2" or "read memory.stat". */
export function fileError(what: string, dir: string, e: unknown, extra = '', file?: string): RuntsError {
  return cgroupError(`${what} in ${dir}: ${causeText(e)}${extra}`, { code: errCode(e), file }, e);
}

/** A resource that this host has no controller (or no file) for. */
export function unsupported(resource: string, file: string, why: string): RuntsError {
  return cgroupError(`cannot set linux.resources.${resource} (${file}): ${why}`);
}
