// Which cgroup hierarchies this host has: v1 controllers, cgroup2, or both (hybrid). Parsed from
// /proc/self/mountinfo (mounts), /proc/cgroups (enabled controllers) and /proc/self/cgroup
// (the runtime's own cgroups, for relative cgroupsPath), plus a few kernel features.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { parseMountinfo, type MountInfo } from '../linux/mountinfo.js';
import type { CgroupLayout, HierarchyMount, LayoutFeatures } from './types.js';
import { RuntsError } from '../errors.js';

export { parseMountinfo };

/** Enabled controller names from /proc/cgroups. */
export function parseProcCgroups(text: string): string[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/))
    .filter((f) => f.length >= 4 && f[3] === '1').map((f) => f[0]);
}

/** /proc/<pid>/cgroup: v1 controller (or name=x) -> path, and "" -> the cgroup2 path. */
export function parseSelfCgroup(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') out[''] = m[3];
    else for (const c of m[2].split(',')) if (c) out[c] = m[3];
  }
  return out;
}

/** v1 hierarchies: controller -> first mount of a hierarchy that carries it. */
export function v1Mounts(mounts: MountInfo[], known: string[]): Record<string, HierarchyMount> {
  const out: Record<string, HierarchyMount> = {};
  for (const m of mounts.filter((x) => x.fstype === 'cgroup')) {
    for (const opt of m.superOptions) {
      if (!(known.includes(opt) || opt.startsWith('name='))) continue;
      out[opt] ??= { mountpoint: m.mountpoint, root: m.root };
    }
  }
  return out;
}

/** "hugepages-2048kB" -> "2MB", as the hugetlb controller names its files. */
export function hugePageSizeName(dirName: string): string | undefined {
  const m = /^hugepages-(\d+)kB$/.exec(dirName);
  if (!m) return undefined;
  const kb = Number(m[1]);
  if (kb >= 1 << 20) return `${kb / (1 << 20)}GB`;
  if (kb >= 1 << 10) return `${kb / (1 << 10)}MB`;
  return `${kb}KB`;
}

export interface LayoutSources {
  mountinfo: string;
  procCgroups: string;
  selfCgroup: string;
  /** Reads a file, or undefined when it is missing. */
  read(path: string): string | undefined;
  exists(path: string): boolean;
  hugepageDirs: string[];
  kernel: string;
}

function kernelAtLeast(kernel: string, major: number, minor: number): boolean {
  const [a, b] = kernel.split('.').map((x) => parseInt(x, 10));
  return a > major || (a === major && b >= minor);
}

function features(src: LayoutSources, v1: Record<string, HierarchyMount>, v2: boolean): LayoutFeatures {
  const mem = v1.memory?.mountpoint;
  return {
    kernel: src.kernel,
    cgroupKill: v2 && kernelAtLeast(src.kernel, 5, 14),
    memsw: !!mem && src.exists(join(mem, 'memory.memsw.limit_in_bytes')),
    kmem: !!mem && src.exists(join(mem, 'memory.kmem.limit_in_bytes')),
    cgroupFeatures: (src.read('/sys/kernel/cgroup/features') ?? '').split('\n').filter(Boolean),
    hugePageSizes: src.hugepageDirs.map(hugePageSizeName).filter((x): x is string => !!x),
  };
}

/** Used when /proc/cgroups is missing, to tell controllers from other mount options. */
const KNOWN_V1 = ['cpuset', 'cpu', 'cpuacct', 'blkio', 'memory', 'devices', 'freezer', 'net_cls', 'perf_event',
  'net_prio', 'hugetlb', 'pids', 'rdma', 'misc'];

export function buildLayout(src: LayoutSources): CgroupLayout {
  const mounts = parseMountinfo(src.mountinfo);
  const enabled = parseProcCgroups(src.procCgroups);
  const v1 = v1Mounts(mounts, enabled.length ? enabled : KNOWN_V1);
  const m2 = mounts.find((m) => m.fstype === 'cgroup2');
  const v2 = m2 && {
    mountpoint: m2.mountpoint, root: m2.root,
    controllers: (src.read(join(m2.mountpoint, 'cgroup.controllers')) ?? '').split(/\s+/).filter(Boolean),
  };
  const hasV1 = Object.keys(v1).some((k) => !k.startsWith('name='));
  const mode = v2 ? (hasV1 ? 'hybrid' : 'v2') : 'v1';
  if (!v2 && !Object.keys(v1).length) throw new RuntsError('runtime', 'cgroup: no cgroup filesystem is mounted (see /proc/self/mountinfo)');
  return { mode, v1, v2, enabled, own: parseSelfCgroup(src.selfCgroup), features: features(src, v1, !!v2) };
}

function readOrUndefined(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

export function hostSources(): LayoutSources {
  let hugepageDirs: string[] = [];
  try { hugepageDirs = readdirSync('/sys/kernel/mm/hugepages'); } catch { /* no hugetlb */ }
  return {
    mountinfo: readFileSync('/proc/self/mountinfo', 'utf8'),
    procCgroups: readOrUndefined('/proc/cgroups') ?? '',
    selfCgroup: readFileSync('/proc/self/cgroup', 'utf8'),
    read: readOrUndefined, exists: existsSync, hugepageDirs, kernel: release(),
  };
}

let cached: CgroupLayout | undefined;

/** The host's cgroup layout (computed once per process). */
export function detectLayout(): CgroupLayout {
  return (cached ??= buildLayout(hostSources()));
}
