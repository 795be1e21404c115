// Mount options (config.json's, mount(8)'s names) -> mount(2) flags, propagation, mount_setattr
// attributes and data: kernel knowledge, used by spec's checks, the parent and the init. The one
// table of every option runts understands; `features` lists exactly these names.

import { posix } from 'node:path';

export const MS = {
  RDONLY: 0x1, NOSUID: 0x2, NODEV: 0x4, NOEXEC: 0x8, SYNCHRONOUS: 0x10, REMOUNT: 0x20,
  MANDLOCK: 0x40, DIRSYNC: 0x80, NOSYMFOLLOW: 0x100, NOATIME: 0x400, NODIRATIME: 0x800,
  BIND: 0x1000, MOVE: 0x2000, REC: 0x4000, SILENT: 0x8000, UNBINDABLE: 0x20000,
  PRIVATE: 0x40000, SLAVE: 0x80000, SHARED: 0x100000, RELATIME: 0x200000,
  STRICTATIME: 0x1000000, LAZYTIME: 0x2000000,
} as const;

/** mount_setattr(2) attributes (linux/mount.h). */
export const MOUNT_ATTR = {
  RDONLY: 0x1, NOSUID: 0x2, NODEV: 0x4, NOEXEC: 0x8, ATIME_MASK: 0x70, RELATIME: 0x0,
  NOATIME: 0x10, STRICTATIME: 0x20, NODIRATIME: 0x80, IDMAP: 0x100000, NOSYMFOLLOW: 0x200000,
} as const;

/** Options that set (clear=false) or clear (clear=true) a mount flag. */
const FLAG_OPTIONS: Record<string, { flag: number; clear: boolean }> = {
  async: { flag: MS.SYNCHRONOUS, clear: true }, atime: { flag: MS.NOATIME, clear: true },
  bind: { flag: MS.BIND, clear: false }, defaults: { flag: 0, clear: false },
  dev: { flag: MS.NODEV, clear: true }, diratime: { flag: MS.NODIRATIME, clear: true },
  dirsync: { flag: MS.DIRSYNC, clear: false }, exec: { flag: MS.NOEXEC, clear: true },
  iversion: { flag: 0x800000, clear: false }, noiversion: { flag: 0x800000, clear: true },
  lazytime: { flag: MS.LAZYTIME, clear: false }, nolazytime: { flag: MS.LAZYTIME, clear: true },
  loud: { flag: MS.SILENT, clear: true }, silent: { flag: MS.SILENT, clear: false },
  mand: { flag: MS.MANDLOCK, clear: false }, nomand: { flag: MS.MANDLOCK, clear: true },
  noatime: { flag: MS.NOATIME, clear: false }, nodev: { flag: MS.NODEV, clear: false },
  nodiratime: { flag: MS.NODIRATIME, clear: false }, noexec: { flag: MS.NOEXEC, clear: false },
  nosuid: { flag: MS.NOSUID, clear: false }, suid: { flag: MS.NOSUID, clear: true },
  nosymfollow: { flag: MS.NOSYMFOLLOW, clear: false }, symfollow: { flag: MS.NOSYMFOLLOW, clear: true },
  rbind: { flag: MS.BIND | MS.REC, clear: false }, relatime: { flag: MS.RELATIME, clear: false },
  norelatime: { flag: MS.RELATIME, clear: true }, remount: { flag: MS.REMOUNT, clear: false },
  ro: { flag: MS.RDONLY, clear: false }, rw: { flag: MS.RDONLY, clear: true },
  strictatime: { flag: MS.STRICTATIME, clear: false }, nostrictatime: { flag: MS.STRICTATIME, clear: true },
  sync: { flag: MS.SYNCHRONOUS, clear: false },
};

const PROPAGATION_OPTIONS: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC, shared: MS.SHARED, rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC, unbindable: MS.UNBINDABLE, runbindable: MS.UNBINDABLE | MS.REC,
};

/** Recursive attributes applied with mount_setattr(AT_RECURSIVE): set or clear. */
const RECURSIVE_OPTIONS: Record<string, { set: number; clr: number }> = {
  rro: { set: MOUNT_ATTR.RDONLY, clr: 0 }, rrw: { set: 0, clr: MOUNT_ATTR.RDONLY },
  rnosuid: { set: MOUNT_ATTR.NOSUID, clr: 0 }, rsuid: { set: 0, clr: MOUNT_ATTR.NOSUID },
  rnodev: { set: MOUNT_ATTR.NODEV, clr: 0 }, rdev: { set: 0, clr: MOUNT_ATTR.NODEV },
  rnoexec: { set: MOUNT_ATTR.NOEXEC, clr: 0 }, rexec: { set: 0, clr: MOUNT_ATTR.NOEXEC },
  rnodiratime: { set: MOUNT_ATTR.NODIRATIME, clr: 0 }, rdiratime: { set: 0, clr: MOUNT_ATTR.NODIRATIME },
  rrelatime: { set: MOUNT_ATTR.RELATIME, clr: MOUNT_ATTR.ATIME_MASK },
  rnorelatime: { set: MOUNT_ATTR.STRICTATIME, clr: MOUNT_ATTR.ATIME_MASK },
  rnoatime: { set: MOUNT_ATTR.NOATIME, clr: MOUNT_ATTR.ATIME_MASK },
  ratime: { set: 0, clr: MOUNT_ATTR.NOATIME },
  rstrictatime: { set: MOUNT_ATTR.STRICTATIME, clr: MOUNT_ATTR.ATIME_MASK },
  rnostrictatime: { set: 0, clr: MOUNT_ATTR.STRICTATIME },
  rnosymfollow: { set: MOUNT_ATTR.NOSYMFOLLOW, clr: 0 }, rsymfollow: { set: 0, clr: MOUNT_ATTR.NOSYMFOLLOW },
};

/** Options with no flag: they ask for an id-mapped mount. */
const IDMAP_OPTIONS = new Set(['idmap', 'ridmap']);

/** runc's extension for tmpfs: copy what the image has under the destination into the new
 * tmpfs ("notmpcopyup", Podman's way of saying no, is the default). */
const COPYUP_OPTIONS: Record<string, boolean> = { tmpcopyup: true, notmpcopyup: false };

export interface ParsedMountOptions {
  flags: number;          // for mount(2)
  propagation: number[];  // each applied with its own mount(2) call after the mount
  attrSet: number;        // mount_setattr(AT_RECURSIVE) attr_set
  attrClr: number;        // mount_setattr(AT_RECURSIVE) attr_clr
  idmap: 'none' | 'idmap' | 'ridmap';
  copyUp: boolean;        // tmpcopyup (tmpfs only)
  data: string;           // unknown options, comma-joined, passed to the filesystem
}

export function parseMountOptions(options: readonly string[] = []): ParsedMountOptions {
  const out: ParsedMountOptions = { flags: 0, propagation: [], attrSet: 0, attrClr: 0, idmap: 'none', copyUp: false, data: '' };
  const data: string[] = [];
  for (const opt of options) {
    const f = FLAG_OPTIONS[opt];
    if (f) { out.flags = f.clear ? out.flags & ~f.flag : out.flags | f.flag; continue; }
    const p = PROPAGATION_OPTIONS[opt];
    if (p !== undefined) { out.propagation.push(p); continue; }
    const r = RECURSIVE_OPTIONS[opt];
    if (r) { out.attrSet = (out.attrSet & ~r.clr) | r.set; out.attrClr |= r.clr; continue; }
    if (IDMAP_OPTIONS.has(opt)) { out.idmap = opt as 'idmap' | 'ridmap'; continue; }
    if (opt in COPYUP_OPTIONS) { out.copyUp = COPYUP_OPTIONS[opt]; continue; }
    data.push(opt);
  }
  out.data = data.join(',');
  return out;
}

export const PROPAGATION_FLAGS = PROPAGATION_OPTIONS;

/** Every option name runts handles specially (the rest are passed on as filesystem data). */
export const MOUNT_OPTION_NAMES: readonly string[] = [
  ...Object.keys(FLAG_OPTIONS), ...Object.keys(PROPAGATION_OPTIONS),
  ...Object.keys(RECURSIVE_OPTIONS), ...IDMAP_OPTIONS, ...Object.keys(COPYUP_OPTIONS),
].sort();

/** A bind mount: by its type, or (as the spec has it) by a bind/rbind option. */
/** A bind mount's source as the kernel is given it: the spec makes a relative one relative to the
 * bundle (the init's mounts, and criu's restore and its mountpoints, resolve it the same way). */
export function bindSource(source: string | undefined, bundle: string): string {
  const s = source ?? '';
  return posix.isAbsolute(s) ? s : posix.join(bundle, s);
}

export function isBindMount(m: { type?: string; options?: readonly string[] }): boolean {
  return m.type === 'bind' || (parseMountOptions(m.options).flags & MS.BIND) !== 0;
}

/** How a mount is id-mapped: by its idmap or ridmap option, else (as runc) by having
 * uidMappings/gidMappings, which make it an idmap mount: its submounts keep their ids. */
export function idmapKind(m: { options?: readonly string[]; uidMappings?: unknown; gidMappings?: unknown }): ParsedMountOptions['idmap'] {
  const byOption = parseMountOptions(m.options).idmap;
  if (byOption !== 'none') return byOption;
  return m.uidMappings !== undefined || m.gidMappings !== undefined ? 'idmap' : 'none';
}
