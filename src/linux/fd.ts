// File descriptors and sockets: the handful of calls Node's own APIs do not offer
// (socketpair, AF_UNIX bind/listen/connect on raw fds, FD_CLOEXEC control, flock).
import { closeSync, constants, openSync, readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { check, koffi, libc } from './libc.js';
import { isKind, RuntsError } from '../errors.js';
import { sysError } from './errors.js';

const AF_UNIX = 1, SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;
const F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
const LOCK_EX = 2, CLOSE_RANGE_CLOEXEC = 4, EBADF = 9, O_PATH = 0o10000000;

const c = {
  socketpair: libc.func('int socketpair(int, int, int, _Out_ int *sv)'),
  socket: libc.func('int socket(int, int, int)'),
  bind: libc.func('int bind(int, const void *, uint32_t)'),
  listen: libc.func('int listen(int, int)'),
  connect: libc.func('int connect(int, const void *, uint32_t)'),
  fcntl: libc.func('int fcntl(int, int, int)'),
  flock: libc.func('int flock(int, int)'),
  closeRange: libc.func('int close_range(unsigned int, unsigned int, int)'),
};

/** A close-on-exec AF_UNIX socketpair: stream, or seqpacket (messages kept apart). */
export function socketPair(type: 'stream' | 'seqpacket' = 'stream'): [number, number] {
  const sv = new Int32Array(2);
  check(c.socketpair(AF_UNIX, (type === 'stream' ? SOCK_STREAM : SOCK_SEQPACKET) | SOCK_CLOEXEC, 0, sv), 'socketpair');
  return [sv[0], sv[1]];
}

function sockaddr(path: string): Buffer {
  const b = Buffer.alloc(110);
  b.writeUInt16LE(AF_UNIX, 0);
  if (Buffer.byteLength(path) > 107) throw new RuntsError('runtime', `socket path too long: ${path}`);
  b.write(path, 2);
  return b;
}

/** Calls f with a short name for path (sun_path holds 107 bytes): /proc/self/fd/N/BASENAME,
 * N an O_PATH fd of path's directory, open for the call. Errors name path. */
function shortPath<T>(path: string, op: string, f: (short: string) => T): T {
  let dir: number;
  try { dir = openSync(dirname(path), O_PATH | constants.O_DIRECTORY); } catch (e) {
    const errno = (e as NodeJS.ErrnoException).errno;
    if (errno === undefined) throw e;
    throw sysError(op, -errno, path);
  }
  try { return f(`/proc/self/fd/${dir}/${basename(path)}`); } catch (e) {
    if (isKind(e, 'sys') && e.detail.op && e.detail.errno !== undefined) throw sysError(e.detail.op, e.detail.errno, path);
    throw e;
  } finally { closeSync(dir); }
}

/** listenUnix for any path length. */
export function listenUnixPath(path: string): number {
  return shortPath(path, 'bind', listenUnix);
}

/** A listening close-on-exec AF_UNIX socket bound at path (at most 107 bytes: listenUnixPath). */
export function listenUnix(path: string): number {
  const fd = check(c.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), 'socket');
  try { check(c.bind(fd, sockaddr(path), 110), 'bind', path); } catch (e) { closeSync(fd); throw e; }
  check(c.listen(fd, 4), 'listen', path);
  return fd;
}

/** connectUnix for any path length. */
export function connectUnixPath(path: string): number {
  return shortPath(path, 'connect', connectUnix);
}

/** A connected close-on-exec AF_UNIX stream socket. */
export function connectUnix(path: string): number {
  const fd = check(c.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), 'socket');
  try {
    check(c.connect(fd, sockaddr(path), 110), 'connect', path);
  } catch (e) { closeSync(fd); throw e; }
  return fd;
}

export function setCloexec(fd: number, on: boolean): void {
  const flags = check(c.fcntl(fd, F_GETFD, 0), 'fcntl F_GETFD');
  check(c.fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC), 'fcntl F_SETFD');
}

/** Whether fd is open in this process. */
export function isOpen(fd: number): boolean {
  return c.fcntl(fd, F_GETFD, 0) >= 0 || koffi.errno() !== EBADF;
}

/**
 * Marks every fd from `first` on close-on-exec: what the caller of runts left open without the
 * flag (and Node keeps so) would otherwise reach every program runts starts with child_process.
 */
export function cloexecFrom(first: number): void {
  if (c.closeRange(first, 0xffffffff, CLOSE_RANGE_CLOEXEC) === 0) return;
  for (const name of readdirSync('/proc/self/fd')) { // kernels before 5.11
    const fd = Number(name);
    if (fd >= first) try { setCloexec(fd, true); } catch { /* the directory's own fd, closed since */ }
  }
}

/** Blocks until an exclusive flock on fd is held (released when fd is closed). */
export function lockExclusive(fd: number, path: string): void {
  check(c.flock(fd, LOCK_EX), 'flock', path);
}
