// Before criu restores a container's mounts, their mountpoints must exist in the rootfs: a
// container restored on a fresh rootfs (containerd's `ctr containers restore`, a new snapshot of
// the image) lacks those the create made (/etc/hosts, /etc/resolv.conf bound by ctr --net-host).
// As runc, runts creates every mount's destination that is missing, except those under a tmpfs
// of the config (criu restores a tmpfs with its contents): a directory, or an empty file for a
// bind mount of a file. Paths resolve inside the rootfs (linux/safe-path.ts).
import { closeFd, isDir, statxPath } from '../linux/fs.js';
import { bindSource, isBindMount } from '../linux/mount-options.js';
import { cleanRel, mkdirAllInRoot, openOrCreateFileInRoot, openRoot, tryOpenInRoot } from '../linux/safe-path.js';
import { sysError } from '../linux/errors.js';
import type { Mount } from '../spec/types.js';

/** Whether dest lies strictly under one of the tmpfs mounts' destinations. */
function underTmpfs(dest: string, mounts: Mount[]): boolean {
  return mounts.some((m) => m.type === 'tmpfs' && cleanRel(m.destination) !== cleanRel(dest)
    && (cleanRel(m.destination) === '' || cleanRel(dest).startsWith(cleanRel(m.destination) + '/')));
}

/** Whether the mountpoint of m is a file: a bind mount whose source is not a directory. */
function fileMountpoint(m: Mount, bundle: string): boolean {
  if (!isBindMount(m)) return false;
  const src = bindSource(m.source, bundle);
  const st = statxPath(src);
  if (!st) throw sysError('stat', 2, src);
  return !isDir(st);
}

/** Creates the missing mountpoints of mounts in rootfs. */
export function makeMountpoints(rootfs: string, bundle: string, mounts: Mount[]): void {
  const root = openRoot(rootfs);
  try {
    for (const m of mounts) {
      if (underTmpfs(m.destination, mounts) || !cleanRel(m.destination)) continue;
      let fd = tryOpenInRoot(root, m.destination);
      if (fd < 0) fd = fileMountpoint(m, bundle) ? openOrCreateFileInRoot(root, m.destination) : mkdirAllInRoot(root, m.destination);
      closeFd(fd);
    }
  } finally { closeFd(root.fd); }
}
