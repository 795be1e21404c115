// Path operations confined to the container rootfs. Every lookup goes through openat2 relative
// to an fd of the root (RESOLVE_IN_ROOT: symlinks, absolute or "..", resolve inside the rootfs;
// magic links refused), and every creation is a *at call on a directory fd we resolved, for a
// single name that is never followed. Nothing here can create or open anything outside.
import { posix } from 'node:path';
import { closeFd, fdRealPath, fstatx, mkdiratIfMissing, readlinkFd, S } from './fs.js';
import { O, RESOLVE, openat2 } from './openat2.js';
import { sysError, errnoOf } from './errors.js';
import { RuntsError } from '../errors.js';

const ENOENT = 2;
const IN_ROOT = RESOLVE.IN_ROOT | RESOLVE.NO_MAGICLINKS;
/** For a single name below a directory we resolved ourselves: no symlink at all. */
const NO_LINKS = RESOLVE.BENEATH | RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS;

/** An open handle on a container root: its fd and the path the kernel reports for it. */
export interface Root { fd: number; path: string }

export function openRoot(path: string): Root {
  const fd = openat2(-100, path, O.PATH | O.DIRECTORY, 0, 0, path);
  return { fd, path: fdRealPath(fd) };
}

/** Lexically cleaned container path ("/a/../b//c" -> "b/c"; "" is the root itself). */
export function cleanRel(p: string): string {
  return posix.normalize('/' + p).replace(/^\/+/, '').replace(/\/+$/, '');
}

function isNoEnt(e: unknown): boolean { return errnoOf(e) === ENOENT; }

/** Opens p inside the root, following symlinks inside it. */
export function openInRoot(root: Root, p: string, flags: number = O.PATH): number {
  return openat2(root.fd, cleanRel(p) || '.', flags, IN_ROOT, 0, displayPath(p));
}

/** openInRoot, or -1 when p (or a symlink it resolves through) does not exist. */
export function tryOpenInRoot(root: Root, p: string, flags: number = O.PATH): number {
  try { return openInRoot(root, p, flags); } catch (e) { if (isNoEnt(e)) return -1; throw e; }
}

/** Like openInRoot but the last component is not followed (an O_PATH fd on a symlink itself). */
export function tryOpenNoFollow(root: Root, p: string): number {
  const rel = cleanRel(p);
  if (!rel) return openInRoot(root, '/');
  const dir = tryOpenInRoot(root, posix.dirname(rel), O.PATH | O.DIRECTORY);
  if (dir < 0) return -1;
  try {
    return openat2(dir, posix.basename(rel), O.PATH | O.NOFOLLOW, RESOLVE.BENEATH | RESOLVE.NO_MAGICLINKS, 0, displayPath(p));
  } catch (e) { if (isNoEnt(e)) return -1; throw e; } finally { closeFd(dir); }
}

export function displayPath(p: string): string { return '/' + cleanRel(p); }

const MAX_LINKS = 40;

/**
 * The path p names inside the root, read as runc reads it (securejoin): a symlink in a
 * component that exists is replaced by its target, taken inside the root (absolute targets
 * from the root, ".." never above it), so a dangling link names the place inside the rootfs
 * where its target would be, and that is what gets created. The first missing component ends
 * the walk. The result has no symlink in any component that exists at the time; whoever
 * creates below it still opens each name without following it, so a race fails instead.
 */
export function expandInRoot(root: Root, p: string): string {
  let todo = cleanRel(p).split('/').filter(Boolean);
  let done: string[] = [];
  for (let links = 0; todo.length;) {
    const name = todo.shift()!;
    if (name === '.') continue;
    if (name === '..') { done.pop(); continue; }
    const fd = tryOpenExact(root, [...done, name].join('/'), displayPath(p));
    if (fd < 0) return [...done, name, ...todo].join('/');
    try {
      if ((fstatx(fd, displayPath(p)).mode & S.IFMT) !== S.IFLNK) { done.push(name); continue; }
      if (++links > MAX_LINKS) throw sysError('resolve', 40 /* ELOOP */, displayPath(p));
      const target = readlinkFd(fd, displayPath(p));
      if (target.startsWith('/')) done = [];
      todo = [...target.split('/').filter(Boolean), ...todo];
    } finally { closeFd(fd); }
  }
  return done.join('/');
}

/** An O_PATH fd of rel (no symlink followed anywhere, the last name included), or -1 if missing. */
function tryOpenExact(root: Root, rel: string, what: string): number {
  try { return openat2(root.fd, rel, O.PATH | O.NOFOLLOW, NO_LINKS, 0, what); } catch (e) {
    if (isNoEnt(e)) return -1;
    throw e;
  }
}

/**
 * mkdir -p inside the root; returns an O_PATH fd of the directory. Existing components are
 * resolved from the root (symlinks stay inside it); missing ones are created with mkdirat in
 * the directory resolved so far and opened without following anything, so a name that is or
 * becomes a symlink (dangling or not) fails the call rather than being created through.
 */
export function mkdirAllInRoot(root: Root, p: string, mode = 0o755): number {
  const whole = tryOpenInRoot(root, p, O.PATH | O.DIRECTORY);
  if (whole >= 0) return whole;
  const rel = expandInRoot(root, p);
  const parts = rel.split('/');
  let cur = openat2(root.fd, '.', O.PATH | O.DIRECTORY, IN_ROOT, 0, '/');
  try {
    for (let i = 0; i < parts.length; i++) {
      const prefix = parts.slice(0, i + 1).join('/');
      let next = tryOpenInRoot(root, prefix, O.PATH | O.DIRECTORY);
      if (next < 0) {
        mkdiratIfMissing(cur, parts[i], mode, '/' + prefix);
        next = explainDangling(cur, parts[i], '/' + prefix,
          () => openat2(cur, parts[i], O.PATH | O.DIRECTORY | O.NOFOLLOW, NO_LINKS, 0, '/' + prefix));
      }
      closeFd(cur);
      cur = next;
    }
    const done = cur; cur = -1;
    return done;
  } finally { closeFd(cur); }
}

/**
 * Runs fn (an open or create of `name` in dir that must not follow it); if it fails because
 * `name` is a symlink, says so: after expandInRoot, only a race can put one there.
 */
function explainDangling(dir: number, name: string, what: string, fn: () => number): number {
  try { return fn(); } catch (e) {
    const fd = tryOpenChild(dir, name, what);
    const link = fd >= 0 && (fstatx(fd, what).mode & S.IFMT) === S.IFLNK;
    closeFd(fd);
    if (link) throw new RuntsError('runtime', `${what} became a symlink while it was being created`);
    throw e;
  }
}

/** The directory that will hold p (created if missing) and p's last name. */
export function parentInRoot(root: Root, p: string, mode = 0o755): { dir: number; name: string } {
  const rel = cleanRel(p);
  if (!rel) throw new RuntsError('runtime', 'the root directory itself cannot be used here');
  return { dir: mkdirAllInRoot(root, posix.dirname(rel) === '.' ? '' : posix.dirname(rel), mode), name: posix.basename(rel) };
}

/** Opens the single name `name` under dir without following it (O_PATH), or -1 if missing. */
export function tryOpenChild(dir: number, name: string, what: string, flags: number = O.PATH | O.NOFOLLOW): number {
  try { return openat2(dir, name, flags, NO_LINKS, 0, what); } catch (e) { if (isNoEnt(e)) return -1; throw e; }
}

/**
 * An O_PATH fd of p: the existing file (symlinks followed inside the root), or a new empty
 * regular file. A dangling symlink at p is refused, not followed.
 */
export function openOrCreateFileInRoot(root: Root, p: string, mode = 0o644): number {
  const fd = tryOpenInRoot(root, p);
  if (fd >= 0) return fd;
  const { dir, name } = parentInRoot(root, expandInRoot(root, p));
  try {
    closeFd(explainDangling(dir, name, displayPath(p),
      () => openat2(dir, name, O.RDONLY | O.CREAT | O.EXCL | O.NOFOLLOW, NO_LINKS, mode, displayPath(p))));
    return openat2(dir, name, O.PATH | O.NOFOLLOW, NO_LINKS, 0, displayPath(p));
  } finally { closeFd(dir); }
}

/** Where fd is, relative to the root; throws unless it is strictly inside the root. */
export function relInsideRoot(root: Root, fd: number, what: string): string {
  const real = fdRealPath(fd);
  const prefix = root.path === '/' ? '/' : root.path + '/';
  if (real === root.path) throw new RuntsError('runtime', `mountpoint ${what} is the root of the container`);
  if (!real.startsWith(prefix)) throw new RuntsError('runtime', `mountpoint ${what} resolves to ${real}, outside of the rootfs ${root.path}`);
  return real.slice(prefix.length);
}

/** Re-opens a path relative to the root that must contain no symlink (a path the kernel gave us). */
export function reopenExact(root: Root, rel: string, what: string): number {
  return openat2(root.fd, rel, O.PATH, NO_LINKS, 0, what);
}
