// One mount of the rootfs: find or create its destination inside the rootfs, mount onto the
// destination's fd (/proc/self/fd/N, the kernel follows nothing), check the new mount landed
// there, then apply propagation, bind-mount flags and recursive attributes to the new mount.
import {
  closeFd, fdPath, fdRealPath, fstatx, isDir, mkdiratIfMissing, statfs, statfsToMsFlags, statxPath,
} from '../../linux/fs.js';
import { mount, mountSetattr, moveMount } from '../../linux/mount.js';
import { O } from '../../linux/openat2.js';
import { bindSource, idmapKind, MOUNT_ATTR, MS, parseMountOptions, type ParsedMountOptions } from '../../linux/mount-options.js';
import type { Mount } from '../../spec/types.js';
import type { Ctx } from './plan.js';
import { labelledData, labelMqueue } from './label.js';
import { checkProcMount } from './proc-checks.js';
import { copyUp } from './copyup.js';
import { sysError, errnoOf } from '../../linux/errors.js';
import { wrap, RuntsError } from '../../errors.js';
import {
  displayPath, mkdirAllInRoot, openOrCreateFileInRoot, parentInRoot, relInsideRoot, reopenExact,
  tryOpenChild, tryOpenInRoot,
} from '../../linux/safe-path.js';

export interface MountEntry {
  dest: string;              // clean absolute container path ("/proc")
  type: string;              // filesystem type; "bind" for every bind mount
  source: string;            // absolute host path for binds
  opts: ParsedMountOptions;
  cleared: number;           // MS_* flags the options explicitly clear ("rw", "suid", ...)
  isBind: boolean;
  index: number;             // in the config's mounts
  idmap: ParsedMountOptions['idmap']; // id-mapped: the parent makes the source (idmap.ts in src/container)
}

// Options that set a flag, used to learn which flags the clearing options ("rw", "dev", ...) clear.
const SETTERS = ['ro', 'nosuid', 'nodev', 'noexec', 'sync', 'mand', 'noatime', 'nodiratime', 'relatime',
  'strictatime', 'lazytime', 'silent', 'iversion', 'nosymfollow'];
const ALL_SET = parseMountOptions(SETTERS).flags;

const ATIME_ENUM = MS.NOATIME | MS.RELATIME | MS.STRICTATIME;
const ATIME_FLAGS = ATIME_ENUM | MS.NODIRATIME;
/** Flags the kernel locks on mounts inherited from a more privileged user namespace. */
const LOCKABLE = MS.RDONLY | MS.NODEV | MS.NOEXEC | MS.NOSUID | ATIME_FLAGS;

export function toEntry(m: Mount, bundle: string, index: number): MountEntry {
  const opts = parseMountOptions(m.options ?? []);
  const cleared = ALL_SET & ~parseMountOptions([...SETTERS, ...(m.options ?? [])]).flags;
  // The spec makes a mount a bind by its options; a type of "bind" alone is taken as one too.
  if (m.type === 'bind' && !(opts.flags & MS.BIND)) opts.flags |= MS.BIND;
  const isBind = (opts.flags & MS.BIND) !== 0;
  const source = m.source ?? '';
  return {
    dest: displayPath(m.destination), type: isBind ? 'bind' : (m.type ?? ''),
    source: isBind ? bindSource(source, bundle) : source,
    opts, cleared, isBind, index, idmap: idmapKind(m),
  };
}

/** A destination: an O_PATH fd of it, where it is (relative to the root) and the mount it is on. */
export interface Dest { fd: number; rel: string; mntId: bigint }

function toDest(ctx: Ctx, e: MountEntry, fd: number): Dest {
  try {
    const rel = relInsideRoot(ctx.root, fd, e.dest);
    checkProcMount(rel, e);
    return { fd, rel, mntId: fstatx(fd, e.dest).mntId };
  } catch (err) { closeFd(fd); throw err; }
}

/**
 * proc and sysfs go on an ordinary directory only: an existing name that is a symlink (or any
 * non-directory) is refused rather than followed.
 */
export function procSysDest(ctx: Ctx, e: MountEntry): Dest {
  const { dir, name } = parentInRoot(ctx.root, e.dest);
  let fd: number;
  try {
    fd = tryOpenChild(dir, name, e.dest);
    if (fd >= 0 && !isDir(fstatx(fd, e.dest))) {
      closeFd(fd);
      throw new RuntsError('runtime', `filesystem "${e.type}" must be mounted on ordinary directory`);
    }
    if (fd < 0) {
      mkdiratIfMissing(dir, name, 0o755, e.dest);
      fd = tryOpenChild(dir, name, e.dest, O.PATH | O.NOFOLLOW | O.DIRECTORY);
      if (fd < 0) throw sysError('open', 2, e.dest);
    }
  } finally { closeFd(dir); }
  return toDest(ctx, e, fd);
}

/**
 * Any other mount: an existing destination is used (symlinks followed inside the root); a
 * missing one is created as a directory, or as an empty file for a bind of a non-directory.
 * Returns the data to use: a tmpfs over an existing directory keeps that directory's mode.
 */
export function createDest(ctx: Ctx, e: MountEntry, sourceIsDir?: boolean): { dest: Dest; data: string } {
  let data = e.opts.data;
  let fd = tryOpenInRoot(ctx.root, e.dest);
  if (fd >= 0) {
    if (e.type === 'tmpfs') {
      const mode = fstatx(fd, e.dest).mode & 0o7777;
      data = `mode=${mode.toString(8).padStart(4, '0')}` + (data ? ',' + data : '');
    }
  } else if (e.isBind) {
    const st = sourceIsDir === undefined ? statxPath(e.source) : undefined;
    if (sourceIsDir === undefined && !st) throw sysError('stat', 2, e.source);
    fd = (sourceIsDir ?? isDir(st!)) ? mkdirAllInRoot(ctx.root, e.dest) : openOrCreateFileInRoot(ctx.root, e.dest);
  } else {
    fd = mkdirAllInRoot(ctx.root, e.dest);
  }
  return { dest: toDest(ctx, e, fd), data };
}

/**
 * mount(2) onto the destination's fd, then an O_PATH fd of the new mount: the destination
 * re-resolved without symlinks must now be on a different mount, at the same place.
 */
export function mountOnto(ctx: Ctx, e: MountEntry, d: Dest, source: string, fstype: string, flags: number, data: string): number {
  mount(source, fdPath(d.fd), fstype, flags, data, e.dest);
  return newMountAt(ctx, e, d, (flags & MS.REMOUNT) !== 0); // a remount makes no new mount
}

/** Moves the detached mount tree (closed here) onto the destination's fd; returns the new mount's fd. */
function moveOnto(ctx: Ctx, e: MountEntry, d: Dest, tree: number): number {
  try { moveMount(tree, d.fd, e.dest); } finally { closeFd(tree); }
  return newMountAt(ctx, e, d, false);
}

function newMountAt(ctx: Ctx, e: MountEntry, d: Dest, remount: boolean): number {
  const top = reopenExact(ctx.root, d.rel, e.dest);
  const want = (ctx.root.path === '/' ? '/' : ctx.root.path + '/') + d.rel;
  const isNew = remount || fstatx(top, e.dest).mntId !== d.mntId;
  if (!isNew || fdRealPath(top) !== want) {
    closeFd(top);
    throw new RuntsError('runtime', `the new mount is not at ${e.dest}`);
  }
  return top;
}

const EACCES = 13;

/** In a user namespace a bind source under a directory only the host's root may enter is
 * refused (EACCES, at stat or at mount): the parent then makes the bind in the host's user
 * namespace (runc opens such sources there too). */
function hostOnly(ctx: Ctx, err: unknown): boolean {
  return errnoOf(err) === EACCES && ctx.plan.inUserNs && !!ctx.idmappedSource;
}

/** The destination of a bind, and the parent's copy of the source (id-mapped or not) when the
 * init cannot reach the source to learn whether it is a directory. */
function bindDest(ctx: Ctx, e: MountEntry): { dest: Dest; tree: number } {
  try {
    return { dest: createDest(ctx, e).dest, tree: -1 };
  } catch (err) {
    if (!hostOnly(ctx, err)) throw err;
    const tree = e.idmap === 'none' ? ctx.idmappedSource!(e.index) : idmappedSource(ctx, e);
    try { return { dest: createDest(ctx, e, isDir(fstatx(tree, e.source))).dest, tree }; } catch (err2) { closeFd(tree); throw err2; }
  }
}

/** A plain bind by mount(2), else (hostOnly) from the parent's copy. */
function bindOnto(ctx: Ctx, e: MountEntry, dest: Dest): number {
  try {
    return mountOnto(ctx, e, dest, e.source, 'bind', (e.opts.flags | MS.BIND) & ~MS.REMOUNT, '');
  } catch (err) {
    if (!hostOnly(ctx, err)) throw err;
    return moveOnto(ctx, e, dest, ctx.idmappedSource!(e.index));
  }
}

function idmappedSource(ctx: Ctx, e: MountEntry): number {
  if (!e.isBind) throw new RuntsError('runtime', 'id-mapped mounts are only supported for bind-mounts');
  if (!ctx.idmappedSource) throw new RuntsError('runtime', 'id-mapped mounts need the runtime parent');
  return ctx.idmappedSource(e.index);
}

function applyPropagation(e: MountEntry, top: number): void {
  for (const p of e.opts.propagation) mount('', fdPath(top), '', p, '', e.dest);
}

function applyRecursiveAttrs(e: MountEntry, top: number): void {
  let clr = e.opts.attrClr;
  // The atime attributes are one enum: the kernel wants all of MOUNT_ATTR__ATIME cleared to
  // change it (EINVAL otherwise, e.g. for "ratime": clear NOATIME alone).
  if (clr & MOUNT_ATTR.ATIME_MASK) clr |= MOUNT_ATTR.ATIME_MASK;
  if (e.opts.attrSet || clr) mountSetattr(top, true, { set: e.opts.attrSet, clr }, e.dest);
}

const FLAG_NAMES: [number, string][] = [
  [MS.RDONLY, 'ro'], [MS.NOSUID, 'nosuid'], [MS.NODEV, 'nodev'], [MS.NOEXEC, 'noexec'], [MS.NOATIME, 'noatime'],
  [MS.NODIRATIME, 'nodiratime'], [MS.RELATIME, 'relatime'], [MS.STRICTATIME, 'strictatime'],
];

function flagNames(flags: number): string {
  return FLAG_NAMES.filter(([f]) => flags & f).map(([, n]) => n).join(',');
}

/** MS_* flags of the mount holding path, as a remount has to repeat them. */
function mountFlagsOf(path: string): number {
  let flags = statfsToMsFlags(statfs(path).flags);
  if ((flags & ATIME_ENUM) === 0) flags |= MS.STRICTATIME;
  return flags;
}

/**
 * Bind mounts: the bind (or, for an id-mapped one, the parent's id-mapped copy of the source
 * moved into place), then (when the options set or clear any flag) a bind remount with exactly
 * those flags. If the kernel refuses because the source has locked flags (a mount from a more
 * privileged user namespace), retry keeping them, unless the options ask to clear one.
 */
export function mountBind(ctx: Ctx, e: MountEntry, d?: Dest): void {
  const { dest, tree } = d ? { dest: d, tree: -1 } : bindDest(ctx, e);
  let top = -1;
  try {
    if (tree >= 0) top = moveOnto(ctx, e, dest, tree);
    else if (e.idmap === 'none') top = bindOnto(ctx, e, dest);
    else top = moveOnto(ctx, e, dest, idmappedSource(ctx, e));
    applyPropagation(e, top);
    if ((e.opts.flags & ~(MS.BIND | MS.REC | MS.REMOUNT)) !== 0 || e.cleared !== 0) {
      const flags = e.opts.flags | MS.BIND | MS.REMOUNT;
      try {
        mount('', fdPath(top), '', flags, '', e.dest);
      } catch (err) {
        const src = mountFlagsOf(e.source);
        const lockedCleared = src & e.cleared & LOCKABLE;
        if (lockedCleared) throw wrap(err, `cannot clear locked mount flags ${flagNames(lockedCleared)}`);
        if ((e.opts.flags & ATIME_FLAGS) && (e.opts.flags & ATIME_FLAGS) !== (src & ATIME_FLAGS)) {
          throw wrap(err, 'cannot change locked atime flags');
        }
        mount('', fdPath(top), '', flags | (src & LOCKABLE), '', e.dest);
      }
    }
    applyRecursiveAttrs(e, top);
  } finally { closeFd(top); closeFd(dest.fd); }
}

/**
 * Every other filesystem. tmpfs and /dev are mounted writable first (devices and modes are set
 * up inside them) and made read-only by finishRootfs when asked. linux.mountLabel: label.ts.
 */
export function mountPlain(ctx: Ctx, e: MountEntry, d?: { dest: Dest; data: string }): void {
  const { dest, data } = d ?? createDest(ctx, e);
  let flags = e.opts.flags;
  if (e.type === 'tmpfs' || e.dest === '/dev') flags &= ~MS.RDONLY;
  let top = -1;
  try {
    top = mountOnto(ctx, e, dest, e.source, e.type, flags, labelledData(ctx, e.type, data));
    if (e.type === 'tmpfs' && e.opts.copyUp) copyUp(dest.fd, top, e.dest);
    labelMqueue(ctx, e.type, top, e.dest);
    applyPropagation(e, top);
    applyRecursiveAttrs(e, top);
  } finally { closeFd(top); closeFd(dest.fd); }
}
