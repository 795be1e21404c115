// Mounts of type "cgroup". On a cgroup2 host: a cgroup2 mount (or, where the kernel refuses it,
// a bind of the host's /sys/fs/cgroup). On a v1 or hybrid host: a tmpfs with one mount per v1
// hierarchy inside it (a fresh cgroup mount with a cgroup namespace, else a bind of this
// process's own cgroup directory), plus symlinks for co-mounted controllers ("cpu" ->
// "cpu,cpuacct"). The container's cgroup was set up by the parent before this runs.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parseMountinfo } from '../../linux/mountinfo.js';
import { closeFd, FS_MAGIC, statfs, symlinkat } from '../../linux/fs.js';
import { MS } from '../../linux/mount-options.js';
import { createDest, mountBind, mountPlain, type MountEntry } from './mount-entry.js';
import type { Ctx } from './plan.js';
import { parentInRoot } from '../../linux/safe-path.js';
import { errnoOf } from '../../linux/errors.js';

const EPERM = 1, EBUSY = 16;
const DEFAULT_FLAGS = MS.NOEXEC | MS.NOSUID | MS.NODEV;

export function mountCgroup(ctx: Ctx, e: MountEntry): void {
  if (statfs('/sys/fs/cgroup').type === FS_MAGIC.CGROUP2) mountV2(ctx, e);
  else mountV1(ctx, e);
}

function mountV2(ctx: Ctx, e: MountEntry): void {
  const { dest, data } = createDest(ctx, e);
  try {
    mountPlain(ctx, { ...e, type: 'cgroup2' }, { dest, data });
  } catch (err) {
    if ((errnoOf(err) !== EPERM && errnoOf(err) !== EBUSY) || ctx.cgroupns) throw err;
    // In a user namespace without its own cgroup namespace cgroup2 cannot be mounted.
    mountBind(ctx, { ...e, type: 'bind', isBind: true, source: '/sys/fs/cgroup', opts: { ...e.opts, flags: e.opts.flags | MS.BIND } });
  }
}

interface V1Mount { mountpoint: string; root: string; subsystems: string[] }

/** The v1 hierarchies of a mount namespace (its mountinfo), with the controllers /proc/self/cgroup
 * knows: the first mount of each, as runc takes them. A hierarchy can be mounted again elsewhere
 * (in another container's rootfs, propagated to the host by a shared rootfsPropagation). */
export function v1Mounts(known: Map<string, string>, mountinfo: string): V1Mount[] {
  const out: V1Mount[] = [];
  const seen = new Set<string>();
  for (const m of parseMountinfo(mountinfo)) {
    if (m.fstype !== 'cgroup') continue;
    const subsystems = m.superOptions.filter((o) => known.has(o));
    if (!subsystems.length || subsystems.every((ss) => seen.has(ss))) continue;
    for (const ss of subsystems) seen.add(ss);
    out.push({ root: m.root, mountpoint: m.mountpoint, subsystems });
  }
  return out;
}

/** /proc/self/cgroup as controller -> path ("name=systemd" keeps its prefix). */
function ownCgroups(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, ctrls, ...rest] = line.split(':');
    if (!ctrls) continue;
    for (const c of ctrls.split(',')) m.set(c, rest.join(':'));
  }
  return m;
}

function mountV1(ctx: Ctx, e: MountEntry): void {
  const own = ownCgroups();
  const hierarchies = v1Mounts(own, readFileSync('/proc/self/mountinfo', 'utf8'));
  mountPlain(ctx, {
    ...e, type: 'tmpfs', source: 'tmpfs', isBind: false,
    opts: { ...e.opts, flags: DEFAULT_FLAGS, data: 'mode=755', attrSet: 0, attrClr: 0 },
  });
  const ro = e.opts.flags & MS.RDONLY;
  for (const h of hierarchies) {
    const name = posix.basename(h.mountpoint);
    const dest = posix.join(e.dest, name);
    if (ctx.cgroupns) {
      const systemd = name === 'systemd';
      mountPlain(ctx, {
        ...e, dest, type: 'cgroup', source: systemd ? 'systemd' : 'cgroup', isBind: false, cleared: 0,
        opts: { ...e.opts, flags: DEFAULT_FLAGS | ro, data: systemd ? 'name=systemd' : name },
      });
    } else {
      const rel = posix.relative(h.root, own.get(h.subsystems[0]) ?? '/');
      mountBind(ctx, {
        ...e, dest, type: 'bind', isBind: true, source: posix.join(h.mountpoint, rel),
        opts: { ...e.opts, flags: e.opts.flags | MS.BIND | MS.REC, data: '' },
      });
    }
  }
  for (const h of hierarchies) {
    const name = posix.basename(h.mountpoint);
    if (!name.includes(',')) continue;
    for (const ss of name.split(',')) {
      const { dir, name: link } = parentInRoot(ctx.root, posix.join(e.dest, ss));
      try { symlinkat(name, dir, link, posix.join(e.dest, ss)); } finally { closeFd(dir); }
    }
  }
}
