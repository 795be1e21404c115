// linux.maskedPaths and linux.readonlyPaths, after the pivot. Everything is mounted by fd with
// open_tree/move_mount, so no path is looked up twice and /proc need not be mounted. Files are
// masked with the container's /dev/null, which must really be the 1:3 character device and not
// a symlink (CVE-2025-31133; checked whenever there are masked paths, as runc does);
// directories with one read-only, one-block tmpfs. Missing paths are skipped.
import { closeFd, fstatx, isDir, S } from '../../linux/fs.js';
import { cloneTree, fsMount, mountSetattr, moveMount } from '../../linux/mount.js';
import { MOUNT_ATTR } from '../../linux/mount-options.js';
import { cleanRel, displayPath, tryOpenInRoot, tryOpenNoFollow, type Root } from '../../linux/safe-path.js';
import { wrap, RuntsError } from '../../errors.js';

/** An O_PATH fd of the container's /dev/null, checked to be the null device itself. */
function openDevNull(root: Root): number {
  const fd = tryOpenNoFollow(root, '/dev/null');
  if (fd < 0) throw new RuntsError('runtime', 'the container has no /dev/null');
  const st = fstatx(fd, '/dev/null');
  if ((st.mode & S.IFMT) !== S.IFCHR || st.rdevMajor !== 1 || st.rdevMinor !== 3) {
    closeFd(fd);
    throw new RuntsError('runtime', "container's /dev/null is invalid");
  }
  return fd;
}

/** mountLabel: linux.mountLabel, given to the directories' tmpfs (as runc does). */
export function maskPaths(root: Root, paths: readonly string[], mountLabel?: string): void {
  if (!paths.length) return;
  let devNull: number;
  try { devNull = openDevNull(root); } catch (err) { throw wrap(err, `can't mask paths`); }
  let dirMask = -1;
  const seen = new Set<string>();
  try {
    for (const p of paths) {
      const key = cleanRel(p);
      if (seen.has(key)) continue;
      seen.add(key);
      const fd = tryOpenInRoot(root, p);
      if (fd < 0) continue;
      try {
        const what = displayPath(p);
        if (isDir(fstatx(fd, what))) {
          if (dirMask < 0) {
            // The first directory gets a new tmpfs; the others get bind copies of that mount.
            const label: Record<string, string> = mountLabel ? { context: mountLabel } : {};
            dirMask = fsMount('tmpfs', { nr_blocks: '1', nr_inodes: '1', ...label }, MOUNT_ATTR.RDONLY, what);
            moveMount(dirMask, fd, what);
          } else {
            attachClone(dirMask, fd, false, what);
          }
        } else {
          attachClone(devNull, fd, false, what);
        }
      } catch (err) {
        throw wrap(err, `can't mask ${displayPath(p)}`);
      } finally { closeFd(fd); }
    }
  } finally { closeFd(devNull); closeFd(dirMask); }
}

function attachClone(from: number, to: number, recursive: boolean, what: string): void {
  const tree = cloneTree(from, recursive, what);
  try { moveMount(tree, to, what); } finally { closeFd(tree); }
}

/** A recursive bind of each path onto itself, its top mount read-only (other flags kept). */
export function readonlyPaths(root: Root, paths: readonly string[]): void {
  for (const p of paths) {
    const what = displayPath(p);
    const fd = tryOpenInRoot(root, p);
    if (fd < 0) continue;
    let tree = -1;
    try {
      tree = cloneTree(fd, true, what);
      mountSetattr(tree, false, { set: MOUNT_ATTR.RDONLY, clr: 0 }, what);
      moveMount(tree, fd, what);
    } catch (err) {
      throw wrap(err, `can't make ${what} read-only`);
    } finally { closeFd(tree); closeFd(fd); }
  }
}
