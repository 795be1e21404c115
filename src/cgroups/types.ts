// The cgroup manager's public types: what create passes in, what later commands get back.
import type { Device, Resources } from '../spec/types.js';
import type { CgroupStats } from './stats.js';

export interface CgroupConfig {
  id: string;
  cgroupsPath?: string;
  systemd: boolean;
  resources?: Resources;
  rootless?: boolean;
  /** linux.devices: a default device rule whose path is listed here is left out (as runc does). */
  devices?: Device[];
  /** The config's annotations (systemd driver: org.systemd.property.*). */
  annotations?: Record<string, string>;
}

export interface CgroupManager {
  /** Creates the cgroup in every hierarchy, applies the config's limits (not devices), then moves pid in. */
  apply(pid: number): void;
  /** Creates the cgroup and applies the limits with no process moved in (restore: criu puts the
   * restored processes there itself); apply(pid) afterwards only joins pid. */
  prepare(): void;
  /** exec: moves pid into the container's cgroups, or into the given sub-cgroups of them
   * (controller, "" for cgroup2 -> path below the container's: exec --cgroup, sub.ts). */
  join(pid: number, sub?: Record<string, string>): void;
  /**
   * create: writes the config's device rules (and the default ones) once the init has made the
   * rootfs's device nodes and before the prestart hooks run, as runc does: a node that
   * linux.devices lists can be made even if the rules deny its use, and hooks may add rules.
   */
  applyDevices(): void;
  /** Writes limits; errors name the resource and the file. all: the container's resources after
   * this change (update), for a driver that needs a value's pair (systemd: CPU quota and period). */
  set(resources: Resources, all?: Resources): void;
  /** Returns once the freezer reports the cgroup frozen (or thawed). */
  freeze(): void;
  thaw(): void;
  frozen(): boolean;
  /** Every pid in the container's cgroup and its sub-cgroups. */
  pids(): number[];
  /** The "data" of runc's `events --stats` JSON. */
  stats(): CgroupStats;
  /** A count of OOM occurrences: each rise is a new OOM event; undefined without a memory controller. */
  oomCount(): number | undefined;
  /** SIGKILL through cgroup.kill where the kernel has it; otherwise freeze, signal each, thaw. */
  killAll(signal: number): void;
  /** Removes every directory, retrying while processes exit. A missing directory is fine. */
  destroy(): void;
  /** Controller (v1) or "" (cgroup2) -> absolute directory; saved in state.json. */
  paths(): Record<string, string>;
  /** The systemd unit holding the container (--systemd-cgroup); saved in state.json. */
  unitName?(): string;
}

/** One mounted cgroup hierarchy: where it is mounted and which cgroup path is its root. */
export interface HierarchyMount { mountpoint: string; root: string }

export interface CgroupLayout {
  mode: 'v1' | 'v2' | 'hybrid';
  /** v1 controller (or "name=<x>" for a named hierarchy) -> its mount. */
  v1: Record<string, HierarchyMount>;
  /** The cgroup2 mount and the controllers its root offers (cgroup.controllers). */
  v2?: HierarchyMount & { controllers: string[] };
  /** Controllers the kernel has enabled (/proc/cgroups). */
  enabled: string[];
  /** This process's own cgroup path: per v1 controller, and "" for cgroup2 (/proc/self/cgroup). */
  own: Record<string, string>;
  features: LayoutFeatures;
}

export interface LayoutFeatures {
  kernel: string;
  /** cgroup.kill in cgroup2 (Linux 5.14). */
  cgroupKill: boolean;
  /** v1 memory.memsw.* (swap accounting). */
  memsw: boolean;
  /** v1 memory.kmem.limit_in_bytes still present. */
  kmem: boolean;
  /** /sys/kernel/cgroup/features (nsdelegate, memory_recursiveprot, ...). */
  cgroupFeatures: string[];
  /** Huge page sizes as the hugetlb files name them ("2MB", "1GB"). */
  hugePageSizes: string[];
}
