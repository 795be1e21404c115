// openat2(2): path resolution that the kernel confines to a directory (RESOLVE_IN_ROOT,
// RESOLVE_BENEATH), the base of every lookup inside a container rootfs.
import { constants as fsc } from 'node:fs';
import { check, koffi, libc } from './libc.js';

const SYS_openat2 = 437; // same number on every architecture (added after the syscall table unification)

export const O = {
  RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: fsc.O_CREAT, EXCL: fsc.O_EXCL,
  DIRECTORY: fsc.O_DIRECTORY, NOFOLLOW: fsc.O_NOFOLLOW, PATH: 0o10000000, CLOEXEC: 0o2000000,
} as const;

export const RESOLVE = {
  NO_XDEV: 0x01, NO_MAGICLINKS: 0x02, NO_SYMLINKS: 0x04, BENEATH: 0x08, IN_ROOT: 0x10,
} as const;

const EAGAIN = 11;

const c = {
  openat2: libc.func('long syscall(long, int, const char *, void *, size_t)'),
};

/**
 * openat2(dirfd, path, {flags | O_CLOEXEC, mode, resolve}). The kernel answers EAGAIN when a
 * concurrent rename could have let ".." escape: the call is retried a few times then.
 * `what` names the path in the error ("open /dev/null: ...").
 */
export function openat2(dirfd: number, path: string, flags: number, resolve: number, mode = 0, what?: string): number {
  const how = Buffer.alloc(24);
  how.writeBigUInt64LE(BigInt(flags | O.CLOEXEC), 0);
  how.writeBigUInt64LE(BigInt((flags & O.CREAT) ? mode : 0), 8);
  how.writeBigUInt64LE(BigInt(resolve), 16);
  let fd = -1;
  for (let i = 0; i < 16; i++) {
    fd = Number(c.openat2(SYS_openat2, dirfd, path, how, 24));
    if (fd >= 0 || koffi.errno() !== EAGAIN) break;
  }
  return check(fd, 'openat2', what ?? path);
}
