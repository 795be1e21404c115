// The container's cgroups as criu sees them: dump freezes the tasks through the container's
// freezer (cgroup v1's freezer or cgroup2's cgroup.freeze, as runc) instead of seizing them one by
// one; restore re-roots the dumped cgroups at the new container's (cg_root, per v1
// controller), which runts has made and limited before criu runs. On a v1 (or hybrid) host the
// container's cgroup mount is a tmpfs with a bind of its cgroup in each v1 hierarchy
// (init/rootfs/cgroup-mount.ts) unless it has a cgroup namespace: criu cannot dump such binds of a
// hierarchy's subdirectory, so they are external mounts, keyed by their path in the container as
// runc keys them, and restore binds the new container's cgroups there.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parseMountinfo } from '../linux/mountinfo.js';
import type { Spec } from '../spec/types.js';
import type { CgroupRoot, ExtMount } from './rpc-schema.js';

const CGROUP_MNT = '/sys/fs/cgroup/';

/** Controller (v1) or "" (cgroup2) -> absolute directory, as saved in state.json. */
type Paths = Record<string, string>;

/** dump's freeze_cgroup: the v1 freezer's directory, else cgroup2's. */
export function freezeCgroup(paths: Paths): string | undefined {
  return paths.freezer ?? paths[''];
}

/** The path of dir inside its hierarchy: /sys/fs/cgroup/X for cgroup2 (/sys/fs/cgroup/unified/X
 * on a hybrid host), /sys/fs/cgroup/<mount>/X for v1. */
function inHierarchy(key: string, dir: string): string | undefined {
  if (!dir.startsWith(CGROUP_MNT)) return undefined;
  const rest = dir.slice(CGROUP_MNT.length).split('/');
  const hybridV2 = key === '' && rest[0] === 'unified' && rest.length > 1;
  return '/' + (key === '' && !hybridV2 ? rest : rest.slice(1)).join('/');
}

/** The destinations of the spec's cgroup mounts that are v1 binds (none with a cgroup namespace). */
function bindingDests(spec: Spec): string[] {
  if (spec.linux?.namespaces?.some((n) => n.type === 'cgroup')) return [];
  return (spec.mounts ?? []).filter((m) => m.type === 'cgroup').map((m) => posix.resolve('/', m.destination));
}

/** dump: the v1 hierarchies bound in the container of init pid, as external mounts (key = value =
 * the mount point in the container). */
export function cgroupDumpMounts(spec: Spec, pid: number): ExtMount[] {
  const dests = bindingDests(spec);
  if (!dests.length) return [];
  return parseMountinfo(readFileSync(`/proc/${pid}/mountinfo`, 'utf8'))
    .filter((m) => m.fstype === 'cgroup' && dests.includes(posix.dirname(m.mountpoint)))
    .map((m) => ({ key: m.mountpoint, val: m.mountpoint }));
}

/** restore: the v1 hierarchies' external mounts (criu_opts' ext_mnt), each bound from the new
 * container's cgroup there (key: dest/<hierarchy's mount name>, dest the spec's cgroup mount). */
export function cgroupRestoreMounts(paths: Paths, spec: Spec): ExtMount[] {
  const dests = bindingDests(spec);
  const byKey = new Map<string, string>();
  for (const [key, dir] of Object.entries(paths)) {
    if (key === '' || !dir.startsWith(CGROUP_MNT)) continue;
    const name = dir.slice(CGROUP_MNT.length).split('/')[0];
    for (const d of dests) byKey.set(`${d}/${name}`, dir);
  }
  return [...byKey].map(([key, val]) => ({ key, val }));
}

/** criu_opts' cg_root entries: each hierarchy's directory (cgroup2's without a controller). */
export function cgroupRoots(paths: Paths): CgroupRoot[] {
  return Object.entries(paths).flatMap(([key, dir]) => {
    const path = inHierarchy(key, dir);
    if (path === undefined || key.startsWith('name=')) return [];
    return [key === '' ? { path } : { ctrl: key, path }];
  });
}
