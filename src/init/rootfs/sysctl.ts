// linux.sysctl, written after the pivot into the container's own /proc/sys and before
// readonlyPaths makes /proc/sys read-only. The files are opened below a /proc/sys that must be
// a procfs, without following any link or leaving that mount.
import { writeSync } from 'node:fs';
import { closeFd, FS_MAGIC, fstatfs } from '../../linux/fs.js';
import { O, RESOLVE, openat2 } from '../../linux/openat2.js';
import { wrap, RuntsError } from '../../errors.js';

export function writeSysctls(sysctl: Record<string, string> | undefined): void {
  const entries = Object.entries(sysctl ?? {});
  if (!entries.length) return;
  const dir = openat2(-100, '/proc/sys', O.PATH | O.DIRECTORY, RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS, 0, '/proc/sys');
  try {
    if (fstatfs(dir, '/proc/sys').type !== FS_MAGIC.PROC) throw new RuntsError('runtime', '/proc/sys is not on a procfs');
    for (const [key, value] of entries) {
      const rel = key.replace(/\./g, '/');
      const fd = openat2(dir, rel, O.WRONLY, RESOLVE.BENEATH | RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS | RESOLVE.NO_XDEV,
        0, `/proc/sys/${rel}`);
      try { writeSync(fd, value); } catch (e) {
        throw wrap(e, `write sysctl ${key}`);
      } finally { closeFd(fd); }
    }
  } finally { closeFd(dir); }
}
