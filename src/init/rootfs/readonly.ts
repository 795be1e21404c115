// Read-only tmpfs and /dev mounts: mounted writable (devices and modes are set up in them),
// made read-only once everything inside is in place, by a bind remount of the mount found
// again inside the rootfs.
import { closeFd, fdPath } from '../../linux/fs.js';
import { mount } from '../../linux/mount.js';
import { MS } from '../../linux/mount-options.js';
import type { MountEntry } from './mount-entry.js';
import { openInRoot, type Root } from '../../linux/safe-path.js';

export function remountReadonlyMounts(root: Root, entries: readonly MountEntry[]): void {
  for (const e of entries) {
    if (!(e.opts.flags & MS.RDONLY) || e.isBind || !(e.type === 'tmpfs' || e.dest === '/dev')) continue;
    const fd = openInRoot(root, e.dest);
    try {
      mount('', fdPath(fd), '', e.opts.flags | MS.REMOUNT | MS.BIND | MS.RDONLY, '', e.dest);
    } finally { closeFd(fd); }
  }
}
