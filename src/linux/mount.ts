// Mount calls: mount(2)/umount2(2)/pivot_root(2), and the fd-based mount API (open_tree,
// move_mount, fsopen/fsconfig/fsmount, mount_setattr) that needs no path at all.
import { check, libc } from './libc.js';
import { AT } from './fs.js';

// Unified numbers (the same on every architecture) except pivot_root.
const SYS = {
  open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, mount_setattr: 442,
  pivot_root: process.arch === 'arm64' ? 41 : 155,
} as const;

export const MNT_DETACH = 2;
export const OPEN_TREE_CLONE = 1;
const CLOEXEC = 0o2000000;
const MOVE_MOUNT_F_EMPTY_PATH = 0x4, MOVE_MOUNT_T_EMPTY_PATH = 0x40;
const FSCONFIG_SET_STRING = 1, FSCONFIG_CMD_CREATE = 6;

const c = {
  mount: libc.func('int mount(const char *, const char *, const char *, unsigned long, const char *)'),
  umount2: libc.func('int umount2(const char *, int)'),
  pivotRoot: libc.func('long syscall(long, const char *, const char *)'),
  openTree: libc.func('long syscall(long, int, const char *, uint32_t)'),
  moveMount: libc.func('long syscall(long, int, const char *, int, const char *, uint32_t)'),
  fsopen: libc.func('long syscall(long, const char *, uint32_t)'),
  fsconfig: libc.func('long syscall(long, int, uint32_t, const char *, const char *, int)'),
  fsmount: libc.func('long syscall(long, int, uint32_t, uint32_t)'),
  mountSetattr: libc.func('long syscall(long, int, const char *, uint32_t, void *, size_t)'),
  close: libc.func('int close(int)'),
};

/**
 * mount(2). `what` overrides the target shown in errors (the container path, when target is a
 * /proc/self/fd magic link): "mount proc to /proc: operation not permitted".
 */
export function mount(source: string, target: string, fstype: string, flags: number, data = '', what?: string): void {
  const ret = c.mount(source, target, fstype || null, flags, data || null);
  check(ret, `mount ${source || fstype || 'none'} to`, what ?? target);
}

export function umount2(target: string, flags: number): void {
  check(c.umount2(target, flags), 'umount', target);
}

export function pivotRoot(newRoot: string, putOld: string): void {
  check(Number(c.pivotRoot(SYS.pivot_root, newRoot, putOld)), 'pivot_root', newRoot);
}

/** open_tree(fd, "", OPEN_TREE_CLONE | AT_EMPTY_PATH [| AT_RECURSIVE]): a detached copy of the mount at fd. */
export function cloneTree(fd: number, recursive: boolean, what: string): number {
  const flags = OPEN_TREE_CLONE | CLOEXEC | AT.EMPTY_PATH | (recursive ? AT.RECURSIVE : 0);
  return check(Number(c.openTree(SYS.open_tree, fd, '', flags)), 'open_tree', what);
}

/** Attaches the detached mount fromFd onto the inode toFd refers to. */
export function moveMount(fromFd: number, toFd: number, what: string): void {
  check(Number(c.moveMount(SYS.move_mount, fromFd, '', toFd, '', MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)),
    'move_mount to', what);
}

/** A new detached mount of fstype with string options (fsopen + fsconfig + fsmount). */
export function fsMount(fstype: string, options: Record<string, string>, attrFlags: number, what: string): number {
  const fsfd = check(Number(c.fsopen(SYS.fsopen, fstype, 1 /* FSOPEN_CLOEXEC */)), 'fsopen', fstype);
  try {
    for (const [k, v] of Object.entries(options)) {
      check(Number(c.fsconfig(SYS.fsconfig, fsfd, FSCONFIG_SET_STRING, k, v, 0)), `fsconfig ${fstype} ${k}=${v}`, what);
    }
    check(Number(c.fsconfig(SYS.fsconfig, fsfd, FSCONFIG_CMD_CREATE, null, null, 0)), `fsconfig ${fstype} create`, what);
    return check(Number(c.fsmount(SYS.fsmount, fsfd, 1 /* FSMOUNT_CLOEXEC */, attrFlags)), 'fsmount', what);
  } finally {
    c.close(fsfd);
  }
}

export interface MountAttr { set: number; clr: number; propagation?: number }

/** mount_setattr(fd, "", AT_EMPTY_PATH [| AT_RECURSIVE], attr). */
export function mountSetattr(fd: number, recursive: boolean, attr: MountAttr, what: string): void {
  const b = Buffer.alloc(32);
  b.writeBigUInt64LE(BigInt(attr.set), 0);
  b.writeBigUInt64LE(BigInt(attr.clr), 8);
  b.writeBigUInt64LE(BigInt(attr.propagation ?? 0), 16);
  const flags = AT.EMPTY_PATH | (recursive ? AT.RECURSIVE : 0);
  check(Number(c.mountSetattr(SYS.mount_setattr, fd, '', flags, b, 32)), 'mount_setattr', what);
}
