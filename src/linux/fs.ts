// File system calls relative to directory fds (mkdirat, mknodat, symlinkat, ...), statx and
// statfs on fds, and the calls that move a process's root and cwd (chdir, fchdir, chroot).
import { readlinkSync } from 'node:fs';
import { check, koffi, libc } from './libc.js';

export const AT = { EMPTY_PATH: 0x1000, SYMLINK_NOFOLLOW: 0x100, REMOVEDIR: 0x200, RECURSIVE: 0x8000 } as const;
export const S = { IFMT: 0o170000, IFDIR: 0o040000, IFCHR: 0o020000, IFBLK: 0o060000, IFREG: 0o100000, IFIFO: 0o010000, IFLNK: 0o120000 } as const;

/** statfs f_type values runts checks. */
export const FS_MAGIC = { PROC: 0x9fa0, SYSFS: 0x62656572, TMPFS: 0x01021994, CGROUP2: 0x63677270 } as const;
/** statfs f_flags (ST_*) bits and the MS_* flag each stands for. */
export const ST_TO_MS: ReadonlyArray<[number, number]> = [
  [0x1, 0x1], [0x2, 0x2], [0x4, 0x4], [0x8, 0x8], [0x10, 0x10], [0x40, 0x40],
  [0x400, 0x400], [0x800, 0x800], [0x1000, 0x200000], [0x2000, 0x100],
];

const SYS_fchmodat2 = 452;
const STATX_BASIC = 0x7ff, STATX_MNT_ID = 0x1000;

const c = {
  mkdirat: libc.func('int mkdirat(int, const char *, uint32_t)'),
  mknodat: libc.func('int mknodat(int, const char *, uint32_t, uint64_t)'),
  symlinkat: libc.func('int symlinkat(const char *, int, const char *)'),
  unlinkat: libc.func('int unlinkat(int, const char *, int)'),
  fchownat: libc.func('int fchownat(int, const char *, uint32_t, uint32_t, int)'),
  fchmodat2: libc.func('long syscall(long, int, const char *, uint32_t, int)'),
  chmod: libc.func('int chmod(const char *, uint32_t)'),
  statx: libc.func('int statx(int, const char *, int, uint32_t, void *)'),
  fstatfs: libc.func('int fstatfs(int, void *)'),
  statfs: libc.func('int statfs(const char *, void *)'),
  dup3: libc.func('int dup3(int, int, int)'),
  close: libc.func('int close(int)'),
  chdir: libc.func('int chdir(const char *)'),
  fchdir: libc.func('int fchdir(int)'),
  chroot: libc.func('int chroot(const char *)'),
  readlinkat: libc.func('long readlinkat(int, const char *, _Out_ uint8_t *, size_t)'),
};

export function mkdirat(dirfd: number, name: string, mode: number, what?: string): void {
  check(c.mkdirat(dirfd, name, mode), 'mkdirat', what ?? name);
}

/** mkdirat that reports whether it created the directory (false: something was already there). */
export function mkdiratIfMissing(dirfd: number, name: string, mode: number, what?: string): boolean {
  if (c.mkdirat(dirfd, name, mode) === 0) return true;
  if (koffi.errno() === 17) return false; // EEXIST
  return check(-1, 'mkdirat', what ?? name) > 0;
}

export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major), mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/** mknodat; returns false (and changes nothing) when the name already exists. */
export function mknodat(dirfd: number, name: string, mode: number, major: number, minor: number, what?: string): boolean {
  if (c.mknodat(dirfd, name, mode, makedev(major, minor)) === 0) return true;
  if (koffi.errno() === 17) return false;
  return check(-1, 'mknodat', what ?? name) > 0;
}

/** symlinkat; returns false when the name already exists. */
export function symlinkat(target: string, dirfd: number, name: string, what?: string): boolean {
  if (c.symlinkat(target, dirfd, name) === 0) return true;
  if (koffi.errno() === 17) return false;
  return check(-1, 'symlinkat', what ?? name) > 0;
}

/** unlinkat; returns false when the name did not exist. */
export function unlinkat(dirfd: number, name: string, flags: number, what?: string): boolean {
  if (c.unlinkat(dirfd, name, flags) === 0) return true;
  if (koffi.errno() === 2) return false;
  return check(-1, 'unlinkat', what ?? name) > 0;
}

/** chown of the inode an (O_PATH) fd refers to, without following anything. */
export function fchownFd(fd: number, uid: number, gid: number, what: string): void {
  check(c.fchownat(fd, '', uid, gid, AT.EMPTY_PATH), 'fchownat', what);
}

/** chmod of the inode an (O_PATH) fd refers to: fchmodat2(AT_EMPTY_PATH), else via /proc/self/fd. */
export function fchmodFd(fd: number, mode: number, what: string): void {
  if (Number(c.fchmodat2(SYS_fchmodat2, fd, '', mode, AT.EMPTY_PATH)) === 0) return;
  const err = koffi.errno();
  if (err !== 22 && err !== 38 && err !== 95) check(-1, 'fchmodat2', what); // EINVAL, ENOSYS, EOPNOTSUPP: old kernel
  check(c.chmod(fdPath(fd), mode), 'chmod', what);
}

export interface FdStat {
  mode: number; uid: number; gid: number; ino: bigint; size: bigint;
  rdevMajor: number; rdevMinor: number; devMajor: number; devMinor: number; mntId: bigint;
}

function decodeStatx(b: Buffer): FdStat {
  return {
    uid: b.readUInt32LE(20), gid: b.readUInt32LE(24), mode: b.readUInt16LE(28), ino: b.readBigUInt64LE(32),
    size: b.readBigUInt64LE(40), rdevMajor: b.readUInt32LE(128), rdevMinor: b.readUInt32LE(132),
    devMajor: b.readUInt32LE(136), devMinor: b.readUInt32LE(140), mntId: b.readBigUInt64LE(144),
  };
}

/** statx of what fd refers to (a symlink itself if fd was opened O_PATH|O_NOFOLLOW). */
export function fstatx(fd: number, what: string): FdStat {
  const b = Buffer.alloc(256);
  check(c.statx(fd, '', AT.EMPTY_PATH | AT.SYMLINK_NOFOLLOW, STATX_BASIC | STATX_MNT_ID, b), 'statx', what);
  return decodeStatx(b);
}

/** statx of a path (follows symlinks); undefined if it does not exist. */
export function statxPath(path: string): FdStat | undefined {
  const b = Buffer.alloc(256);
  if (c.statx(-100, path, 0, STATX_BASIC | STATX_MNT_ID, b) !== 0) {
    if (koffi.errno() === 2) return undefined;
    check(-1, 'statx', path);
  }
  return decodeStatx(b);
}

export interface StatFs { type: number; flags: number }

function decodeStatfs(b: Buffer): StatFs {
  return { type: Number(b.readBigInt64LE(0)), flags: Number(b.readBigInt64LE(80)) };
}

export function fstatfs(fd: number, what: string): StatFs {
  const b = Buffer.alloc(120);
  check(c.fstatfs(fd, b), 'fstatfs', what);
  return decodeStatfs(b);
}

export function statfs(path: string): StatFs {
  const b = Buffer.alloc(120);
  check(c.statfs(path, b), 'statfs', path);
  return decodeStatfs(b);
}

/** MS_* flags equivalent to a statfs f_flags value (the per-mount flags a remount must keep). */
export function statfsToMsFlags(stFlags: number): number {
  let ms = 0;
  for (const [st, flag] of ST_TO_MS) if (stFlags & st) ms |= flag;
  return ms;
}

export function isDir(st: FdStat): boolean { return (st.mode & S.IFMT) === S.IFDIR; }

/** The magic link naming fd, usable as a path argument while /proc is mounted. */
export function fdPath(fd: number): string { return `/proc/self/fd/${fd}`; }

/** The target of the symlink an O_PATH|O_NOFOLLOW fd refers to (readlinkat with an empty path). */
export function readlinkFd(fd: number, what: string): string {
  const buf = Buffer.alloc(4096);
  const n = Number(c.readlinkat(fd, '', buf, buf.length));
  check(n, 'readlink', what);
  return buf.subarray(0, n).toString();
}

/** The path the kernel has for fd (readlink of /proc/self/fd/N). */
export function fdRealPath(fd: number): string { return readlinkSync(fdPath(fd)); }

export function closeFd(fd: number): void { if (fd >= 0) c.close(fd); }

export function dup3(oldfd: number, newfd: number): void { check(c.dup3(oldfd, newfd, 0), 'dup3'); }

export function chdir(path: string): void { check(c.chdir(path), 'chdir', path); }

export function fchdir(fd: number, what: string): void { check(c.fchdir(fd), 'fchdir', what); }

export function chroot(path: string): void { check(c.chroot(path), 'chroot', path); }
