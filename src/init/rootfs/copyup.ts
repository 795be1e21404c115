// tmpcopyup (runc's extension, which Podman adds to every tmpfs it mounts): what the image has
// under a tmpfs's destination is copied into the new tmpfs, with modes, owners and times.
// `from` is an fd of the destination taken before the mount covered it; nothing in the
// container runs yet, and no symlink is followed (each is copied as a symlink).
import { copyFileSync, lchownSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fdPath, mknodat } from '../../linux/fs.js';
import { RuntsError } from '../../errors.js';

const AT_FDCWD = -100;
const S_IFMT = 0o170000, S_IFSOCK = 0o140000;

function copyEntry(src: string, dst: string): void {
  const st = lstatSync(src);
  if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
  else if (st.isDirectory()) { mkdirSync(dst); copyTree(src, dst); }
  else if (st.isFile()) copyFileSync(src, dst);
  else if ((st.mode & S_IFMT) === S_IFSOCK) return; // a socket is bound by a process, not copied
  else mknodat(AT_FDCWD, dst, st.mode, Math.floor(st.rdev / 256) & 0xfff, (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00), dst);
  lchownSync(dst, st.uid, st.gid);
  if (!st.isSymbolicLink()) chmodSync(dst, st.mode & 0o7777); // after chown, which clears set-id bits
  lutimesSync(dst, st.atime, st.mtime);
}

function copyTree(src: string, dst: string): void {
  for (const name of readdirSync(src)) copyEntry(join(src, name), join(dst, name));
}

export function copyUp(from: number, to: number, dest: string): void {
  try {
    copyTree(fdPath(from), fdPath(to));
  } catch (e) {
    throw new RuntsError('runtime', `tmpcopyup of ${dest}: ${(e as Error).message.replace(/\/proc\/self\/fd\/\d+/g, dest)}`, {}, e);
  }
}
