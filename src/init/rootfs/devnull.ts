// After the pivot: stdio fds that point at the host's /dev/null are re-pointed at the
// container's own /dev/null, so no fd of the container's first process refers to a host file.
import { closeFd, dup3, fstatx, S } from '../../linux/fs.js';
import { O, RESOLVE, openat2 } from '../../linux/openat2.js';
import { RuntsError } from '../../errors.js';

function isNull(fd: number): boolean {
  const st = fstatx(fd, `fd ${fd}`);
  return (st.mode & S.IFMT) === S.IFCHR && st.rdevMajor === 1 && st.rdevMinor === 3;
}

export function reopenDevNull(): void {
  const fd = openat2(-100, '/dev/null', O.RDWR, RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS, 0, '/dev/null');
  try {
    if (!isNull(fd)) throw new RuntsError('runtime', "can't reopen /dev/null: container's /dev/null is invalid");
    for (let i = 0; i <= 2; i++) {
      let nul = false;
      try { nul = isNull(i); } catch { /* not open */ }
      if (nul) dup3(fd, i);
    }
  } finally { closeFd(fd); }
}
