// Errors from system calls: one class that carries the operation, the path and the errno,
// worded the way runc words them ("mount /a to /b: operation not permitted").
import { constants } from 'node:os';
import { debug } from '../log-sink.js';
import { isKind, messageOf, RuntsError } from '../errors.js';

const NAMES: Record<number, string> = {};
for (const [name, num] of Object.entries(constants.errno)) NAMES[num] = name;

/** strerror text in Go's style: lower-case first letter. */
export function errnoText(errno: number): string {
  const text = ERRNO_TEXT[NAMES[errno]] ?? `errno ${errno}`;
  return text;
}

// The texts callers see most; others fall back to the symbolic name.
const ERRNO_TEXT: Record<string, string> = {
  EPERM: 'operation not permitted', ENOENT: 'no such file or directory', ESRCH: 'no such process',
  EINTR: 'interrupted system call', EIO: 'input/output error', EBADF: 'bad file descriptor',
  EAGAIN: 'resource temporarily unavailable', ENOMEM: 'cannot allocate memory', EACCES: 'permission denied',
  EFAULT: 'bad address', EBUSY: 'device or resource busy', EEXIST: 'file exists', EXDEV: 'invalid cross-device link',
  ENODEV: 'no such device', ENOTDIR: 'not a directory', EISDIR: 'is a directory', EINVAL: 'invalid argument',
  EMFILE: 'too many open files', ENOSPC: 'no space left on device', EROFS: 'read-only file system',
  ENAMETOOLONG: 'file name too long', ENOSYS: 'function not implemented', ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links', EOPNOTSUPP: 'operation not supported', ENXIO: 'no such device or address',
  ECHILD: 'no child processes', ETXTBSY: 'text file busy', ECONNREFUSED: 'connection refused', EPIPE: 'broken pipe',
};

export function errnoName(errno: number): string {
  return NAMES[errno] ?? `errno ${errno}`;
}

/** A failed system call ("mount /a to /b: operation not permitted"), with its op, errno and
 * path; `note` follows the errno's text. Logged under --debug: a caller may handle it. */
export function sysError(op: string, errno: number, path?: string, note = ''): RuntsError {
  const e = new RuntsError('sys', `${op}${path !== undefined ? ' ' + path : ''}: ${errnoText(errno)}${note}`,
    { op, errno, path, code: errnoName(errno) });
  debug(`syscall failed: ${e.message} (${errnoName(errno)})`);
  return e;
}

/** The errno of a failed system call (a 'sys' error), else undefined. */
export function errnoOf(e: unknown): number | undefined {
  return isKind(e, 'sys') ? e.detail.errno : undefined;
}

/**
 * A Node fs error in the message ("ENOENT: no such file or directory, open '/x'") in Go's words,
 * as runc would say it ("open /x: no such file or directory"); the rest of the message as it is.
 */
export function errorLine(e: unknown): string {
  return messageOf(e).replace(/\bE[A-Z0-9]+: ([^,]+), (\w+)(?: '([^']*)')?(?: -> '([^']*)')?/,
    (_m, text: string, syscall: string, path?: string, dest?: string) => [syscall, path, dest].filter((x) => x !== undefined).join(' ') + `: ${text}`);
}
