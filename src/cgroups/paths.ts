// cgroupsPath -> one directory per hierarchy, as runc's cgroupfs driver does it:
//   absolute "/a/b"  -> <mount>/a/b in every hierarchy;
//   relative "a/b"   -> below the runtime's own cgroup (v1: its cgroup in that hierarchy;
//                       cgroup2: the parent of its cgroup, which has no processes of its own);
//   missing          -> the relative path "<id>".
// ".." can never climb out of a hierarchy (runc's CleanPath).
import { posix } from 'node:path';
import type { CgroupLayout, HierarchyMount } from './types.js';
import { cgroupError } from './errors.js';

/** The v1 hierarchies a container joins (runc's subsystem list, plus the systemd named one). */
export const JOINED_V1 = ['cpuset', 'devices', 'memory', 'cpu', 'cpuacct', 'pids', 'blkio', 'hugetlb', 'net_cls',
  'net_prio', 'perf_event', 'freezer', 'rdma', 'misc', 'name=systemd'];

/** Lexically cleans p; a relative path stays relative and loses every leading "..". */
export function cleanPath(p: string): string {
  if (!p) return '';
  const n = posix.normalize(p);
  if (n.startsWith('/')) return n.length > 1 ? n.replace(/\/+$/, '') : n;
  const rel = posix.relative('/', posix.normalize('/' + n));
  return rel || '.';
}

/** The cgroup path inside each hierarchy, before the hierarchy's mount or own cgroup is added. */
export function innerPath(id: string, cgroupsPath?: string): string {
  const inner = cgroupsPath ? cleanPath(cgroupsPath) : cleanPath(id);
  if (inner === '/' || inner === '.') throw cgroupError(`cgroupsPath ${JSON.stringify(cgroupsPath ?? id)} names the root cgroup`);
  return inner;
}

/** own cgroup path as seen from a mount whose root is mountRoot (a cgroup namespace, or a bind mount). */
function belowRoot(own: string, mountRoot: string): string {
  if (mountRoot === '/' || !own.startsWith(mountRoot)) return own;
  return own.slice(mountRoot.length) || '/';
}

function dirIn(m: HierarchyMount, own: string | undefined, inner: string, key: string): string {
  if (inner.startsWith('/')) return posix.join(m.mountpoint, inner);
  if (own === undefined) throw cgroupError(`no own cgroup for ${key || 'cgroup2'} in /proc/self/cgroup (needed for the relative cgroupsPath ${inner})`);
  return posix.join(m.mountpoint, belowRoot(own, m.root), inner);
}

/** Controller (or "" for cgroup2) -> absolute directory for this container. */
export function resolvePaths(layout: CgroupLayout, inner: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of JOINED_V1) {
    const m = layout.v1[key];
    if (m) out[key] = dirIn(m, layout.own[key], inner, key);
  }
  if (layout.v2) {
    const own = layout.own[''];
    out[''] = dirIn(layout.v2, own === undefined ? undefined : posix.dirname(own), inner, '');
  }
  return out;
}
