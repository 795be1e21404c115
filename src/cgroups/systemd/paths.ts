// The unit's cgroup directories, computed as runc's driver does before systemd makes them:
//   cgroup v2: <cgroup2 mount>/<expanded slice>/<unit>;
//   v1 and hybrid: in each hierarchy, <mount>/<PID 1's cgroup there, without init.scope>/<slice>/<unit>
//   (systemd puts slices below its own root), and the same in the hybrid cgroup2 mount.
// Controllers systemd does not manage on v1 (cpuset, net_cls, ...) get these paths too; runts
// makes those directories itself, as runc does.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parseSelfCgroup } from '../layout.js';
import { JOINED_V1 } from '../paths.js';
import type { CgroupLayout } from '../types.js';

function systemdRoot(pid1Path: string | undefined): string {
  const p = posix.normalize(pid1Path ?? '/');
  return p.endsWith('/init.scope') ? p.slice(0, -'init.scope'.length) : p;
}

/** inner: the unit's path below systemd's root (unitCgroupPath). pid1: /proc/1/cgroup, parsed. */
export function unitDirs(layout: CgroupLayout, inner: string, pid1: Record<string, string>): Record<string, string> {
  if (layout.mode === 'v2' && layout.v2) return { '': posix.join(layout.v2.mountpoint, inner) };
  const out: Record<string, string> = {};
  for (const key of JOINED_V1) {
    const m = layout.v1[key];
    if (m) out[key] = posix.join(m.mountpoint, systemdRoot(pid1[key]), inner);
  }
  if (layout.v2) out[''] = posix.join(layout.v2.mountpoint, systemdRoot(pid1['']), inner);
  return out;
}

export function pid1Cgroups(): Record<string, string> {
  try { return parseSelfCgroup(readFileSync('/proc/1/cgroup', 'utf8')); } catch { return {}; }
}
