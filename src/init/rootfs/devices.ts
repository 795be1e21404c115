// /dev: the default devices plus linux.devices (mknod, or bind mounts of the host's nodes in a
// user namespace), the /dev/ptmx symlink to the devpts instance, and the /proc/self/fd links.
import {
  closeFd, fchmodFd, fchownFd, fdPath, fstatx, mknodat, S, statxPath, symlinkat, unlinkat, type FdStat,
} from '../../linux/fs.js';
import { mount } from '../../linux/mount.js';
import { O, RESOLVE, openat2 } from '../../linux/openat2.js';
import { MS } from '../../linux/mount-options.js';
import type { Spec } from '../../spec/types.js';
import type { MountEntry } from './mount-entry.js';
import type { Ctx } from './plan.js';
import { cleanRel, displayPath, parentInRoot, tryOpenChild } from '../../linux/safe-path.js';
import { sysError, errnoOf } from '../../linux/errors.js';
import { wrap, RuntsError } from '../../errors.js';

const EPERM = 1;

export interface DeviceNode { path: string; type: string; major: number; minor: number; mode: number; uid: number; gid: number }

const DEFAULTS: [string, number, number][] = [
  ['/dev/null', 1, 3], ['/dev/random', 1, 8], ['/dev/full', 1, 7],
  ['/dev/tty', 5, 0], ['/dev/zero', 1, 5], ['/dev/urandom', 1, 9],
];

/** runts sets up /dev unless the config bind-mounts something onto /dev. */
export function needsSetupDev(entries: readonly MountEntry[]): boolean {
  return !entries.some((e) => e.isBind && e.dest === '/dev');
}

/** The default devices (unless the config lists the same path) followed by linux.devices. */
export function deviceList(spec: Pick<Spec, 'linux'>): DeviceNode[] {
  const devs = spec.linux?.devices ?? [];
  const listed = new Set(devs.map((d) => cleanRel(d.path)));
  const out: DeviceNode[] = DEFAULTS.filter(([p]) => !listed.has(cleanRel(p)))
    .map(([path, major, minor]) => ({ path, type: 'c', major, minor, mode: 0o666, uid: 0, gid: 0 }));
  for (const d of devs) {
    const fifo = d.type === 'p'; // a fifo has no device numbers: mknod ignores them
    out.push({
      path: d.path, type: d.type, major: fifo ? 0 : d.major ?? 0, minor: fifo ? 0 : d.minor ?? 0,
      mode: d.fileMode !== undefined ? d.fileMode & 0o7777 : 0o666, uid: d.uid ?? 0, gid: d.gid ?? 0,
    });
  }
  return out.filter((d) => cleanRel(d.path) !== 'dev/ptmx'); // /dev/ptmx is the devpts symlink
}

function fileType(d: DeviceNode): number {
  switch (d.type) {
    case 'c': case 'u': return S.IFCHR;
    case 'b': return S.IFBLK;
    case 'p': return S.IFIFO;
    default: throw new RuntsError('runtime', `${d.type} is not a valid device type for device ${d.path}`);
  }
}

function isDevice(st: FdStat, d: DeviceNode): boolean {
  return (st.mode & S.IFMT) === fileType(d) && st.rdevMajor === d.major && st.rdevMinor === d.minor;
}

function describe(d: DeviceNode): string { return `${d.type} ${d.major}:${d.minor}`; }

export function createDevices(ctx: Ctx): void {
  for (const d of deviceList(ctx.plan.spec)) {
    try { createDevice(ctx, d); } catch (err) {
      throw wrap(err, `create device ${displayPath(d.path)}`);
    }
  }
}

function createDevice(ctx: Ctx, d: DeviceNode): void {
  const what = displayPath(d.path);
  const { dir, name } = parentInRoot(ctx.root, d.path);
  try {
    if (!ctx.plan.inUserNs) {
      let created: boolean;
      try {
        created = mknodat(dir, name, fileType(d) | d.mode, d.major, d.minor, what);
      } catch (err) {
        if (!(errnoOf(err) === EPERM)) throw err;
        return bindDevice(dir, name, d);
      }
      const fd = tryOpenChild(dir, name, what);
      if (fd < 0) throw sysError('open', 2, what);
      try {
        if (!isDevice(fstatx(fd, what), d)) {
          throw new RuntsError('runtime', `${created ? 'the new node' : 'an existing file'} is not the ${describe(d)} device`);
        }
        if (created) {
          fchmodFd(fd, d.mode, what);
          fchownFd(fd, d.uid, d.gid, what);
        }
      } finally { closeFd(fd); }
      return;
    }
    bindDevice(dir, name, d);
  } finally { closeFd(dir); }
}

/** Binds the host's node over a new empty file (or an existing regular file) in the rootfs. */
function bindDevice(dir: number, name: string, d: DeviceNode): void {
  const what = displayPath(d.path);
  let fd = tryOpenChild(dir, name, what);
  if (fd >= 0) {
    const st = fstatx(fd, what);
    if (isDevice(st, d)) { closeFd(fd); return; }
    if ((st.mode & S.IFMT) !== S.IFREG) {
      closeFd(fd);
      throw new RuntsError('runtime', `an existing file is not the ${describe(d)} device`);
    }
  } else {
    const NO_LINKS = RESOLVE.BENEATH | RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS;
    closeFd(openat2(dir, name, O.RDONLY | O.CREAT | O.EXCL | O.NOFOLLOW, NO_LINKS, 0, what));
    fd = openat2(dir, name, O.PATH | O.NOFOLLOW, NO_LINKS, 0, what);
  }
  try {
    const host = statxPath(d.path);
    if (!host || !isDevice(host, d)) throw new RuntsError('runtime', `the host's ${d.path} is not the ${describe(d)} device`);
    mount(d.path, fdPath(fd), '', MS.BIND, '', what);
  } finally { closeFd(fd); }
}

function symlinkInRoot(ctx: Ctx, target: string, path: string): void {
  const { dir, name } = parentInRoot(ctx.root, path);
  try { symlinkat(target, dir, name, path); } finally { closeFd(dir); }
}

/** /dev/ptmx becomes a symlink to pts/ptmx, whatever was there. */
export function setupPtmx(ctx: Ctx): void {
  const { dir, name } = parentInRoot(ctx.root, '/dev/ptmx');
  try {
    unlinkat(dir, name, 0, '/dev/ptmx');
    symlinkat('pts/ptmx', dir, name, '/dev/ptmx');
  } finally { closeFd(dir); }
}

/** /dev/fd, stdin, stdout, stderr, and /dev/core when the kernel has /proc/kcore. Existing names stay. */
export function setupDevSymlinks(ctx: Ctx): void {
  const links: [string, string][] = [
    ['/proc/self/fd', '/dev/fd'], ['/proc/self/fd/0', '/dev/stdin'],
    ['/proc/self/fd/1', '/dev/stdout'], ['/proc/self/fd/2', '/dev/stderr'],
  ];
  if (statxPath('/proc/kcore')) links.push(['/proc/kcore', '/dev/core']);
  for (const [target, path] of links) symlinkInRoot(ctx, target, path);
}
