// Entering the rootfs. Before the mounts: "/" becomes rslave (or rootfsPropagation's flavour),
// the mount holding the rootfs private (pivot_root refuses shared parents, and a bind under a
// shared parent would propagate to the host), and the rootfs is bound onto itself. Then
// pivot_root(".", ".") and a lazy unmount of the old root, or, with --no-pivot, a move of the
// rootfs onto "/" and a chroot.
import { posix } from 'node:path';
import { readMountinfo } from '../../linux/mountinfo.js';
import { chdir, chroot, closeFd, fchdir, statfs, statfsToMsFlags } from '../../linux/fs.js';
import { MNT_DETACH, mount, pivotRoot, umount2 } from '../../linux/mount.js';
import { O, openat2 } from '../../linux/openat2.js';
import { MS } from '../../linux/mount-options.js';
import type { Root } from '../../linux/safe-path.js';
import { errnoOf } from '../../linux/errors.js';

const EINVAL = 22, ENOENT = 2, EPERM = 1;

/** Runs before any mount: propagation of "/" and of the rootfs's parent, then the self-bind. */
export function prepareRoot(rootfs: string, rootPropagation: number): void {
  mount('', '/', '', rootPropagation || MS.SLAVE | MS.REC);
  const parentFlags = rootPropagation & MS.SLAVE ? MS.SLAVE : MS.PRIVATE;
  // The nearest mount point at or above the rootfs (EINVAL: not a mount point, go up).
  for (let p = rootfs; ; p = posix.dirname(p)) {
    try { mount('', p, '', parentFlags); break; } catch (e) {
      if (!(errnoOf(e) === EINVAL) || p === '/') throw e;
    }
  }
  mount(rootfs, rootfs, 'bind', MS.BIND | MS.REC);
}

/**
 * No mount namespace of its own: the mounts go into runts' own namespace, under a private bind
 * of the rootfs onto itself, so that nothing propagates out of it and delete can detach the
 * bind with everything under it. "/" and the rootfs's parent are left as they are.
 */
export function bindRootfsInPlace(rootfs: string): void {
  mount(rootfs, rootfs, 'bind', MS.BIND | MS.REC);
  mount('', rootfs, '', MS.PRIVATE | MS.REC);
}

/** pivot_root into root; the old root is made rslave (nothing propagates back) and detached. */
export function pivotInto(root: Root): void {
  const oldRoot = openat2(-100, '/', O.PATH | O.DIRECTORY, 0, 0, '/');
  try {
    fchdir(root.fd, root.path);
    pivotRoot('.', '.');
    fchdir(oldRoot, 'the old root');
    mount('', '.', '', MS.SLAVE | MS.REC, '', 'the old root');
    umount2('.', MNT_DETACH);
  } finally { closeFd(oldRoot); }
  chdir('/');
}

/**
 * --no-pivot. A chroot leaves the host's mounts in the namespace, and the kernel lets a new
 * procfs or sysfs be mounted while a full one is visible there: every full proc and sysfs mount
 * outside the rootfs is detached first (or covered with a tmpfs when it cannot be).
 */
export function moveRootInto(root: Root): void {
  const inside = (p: string): boolean => p === root.path || p.startsWith(root.path + '/');
  const full = readMountinfo()
    .filter((m) => m.root === '/' && (m.fstype === 'proc' || m.fstype === 'sysfs') && !inside(m.mountpoint))
    .map((m) => m.mountpoint);
  for (const p of full) {
    try { mount('', p, '', MS.SLAVE | MS.REC); } catch (e) {
      if (errnoOf(e) === ENOENT) continue; // a parent went already
      throw e;
    }
    try { umount2(p, MNT_DETACH); } catch (e) {
      if (errnoOf(e) !== EINVAL && errnoOf(e) !== EPERM) throw e;
      mount('tmpfs', p, 'tmpfs', 0);
    }
  }
  fchdir(root.fd, root.path);
  mount(root.path, '/', '', MS.MOVE);
  chrootHere();
}

/** chroot(".") then chdir("/"); the cwd must be the new root. */
export function chrootHere(): void {
  chroot('.');
  chdir('/');
}

/** Without a mount namespace of its own the process only changes its root (no pivot_root). */
export function chrootInto(root: Root): void {
  fchdir(root.fd, root.path);
  chrootHere();
}

/** rootfsPropagation flavours that need "/" itself after the pivot (shared, unbindable). */
export function applyRootPropagation(rootPropagation: number): void {
  if (rootPropagation && !(rootPropagation & (MS.PRIVATE | MS.SLAVE))) mount('', '/', '', rootPropagation);
}

/** root.readonly: a bind remount of "/" read-only, keeping flags the kernel may have locked. */
export function setRootReadonly(): void {
  const flags = MS.BIND | MS.REMOUNT | MS.RDONLY;
  try { mount('', '/', '', flags); } catch {
    mount('', '/', '', flags | statfsToMsFlags(statfs('/').flags));
  }
}
