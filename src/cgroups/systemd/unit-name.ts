// --systemd-cgroup's cgroupsPath "slice:prefix:name" -> the unit runts makes and the slice it goes
// in, as runc's driver parses it: an empty slice is system.slice, a name ending in ".slice" makes
// a slice unit (its parent slice given by Wants=), anything else the scope "<prefix>-<name>.scope".
// Without cgroupsPath: "runts-<id>.scope" in system.slice (runc's own prefix is "runc").
// Slices nest by dashes: "a-b-c.slice" is /a.slice/a-b.slice/a-b-c.slice (runc's ExpandSlice).
import { cgroupError } from '../errors.js';

export const DEFAULT_SLICE = 'system.slice';
export const DEFAULT_PREFIX = 'runts';

export interface SystemdUnit {
  /** The parent slice as given ("" = system.slice). */
  parent: string;
  /** The unit made for the container: "<prefix>-<name>.scope", or "<name>" when it ends in .slice. */
  unit: string;
  /** The unit's name part (for its Description). */
  name: string;
}

export function parseSystemdPath(id: string, cgroupsPath?: string): SystemdUnit {
  if (!cgroupsPath) return { parent: '', unit: `${DEFAULT_PREFIX}-${id}.scope`, name: id };
  const parts = cgroupsPath.split(':');
  if (parts.length !== 3) {
    throw cgroupError(`expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got ${JSON.stringify(cgroupsPath)} instead`);
  }
  const [parent, prefix, name] = parts;
  const unit = name.endsWith('.slice') ? name : `${prefix}-${name}.scope`;
  // systemd refuses such names too, but runts computes paths from them before asking it
  if (unit.includes('/') || parent.includes('/')) throw cgroupError(`invalid systemd unit or slice name in cgroupsPath ${JSON.stringify(cgroupsPath)}`);
  return { parent, unit, name };
}

/** The slice as a cgroup path: "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" -> "/". */
export function expandSlice(slice: string): string {
  const suffix = '.slice';
  const bad = () => cgroupError(`invalid slice name: ${slice}`);
  if (!slice.endsWith(suffix) || slice.includes('/')) throw bad();
  const base = slice.slice(0, -suffix.length);
  if (base === '-') return '/';
  let path = '', prefix = '';
  for (const part of base.split('-')) {
    if (!part) throw bad();
    path += `/${prefix}${part}${suffix}`;
    prefix += `${part}-`;
  }
  return path;
}

/** The unit's cgroup path below the hierarchy's root (systemd's, i.e. PID 1's): slice + unit. */
export function unitCgroupPath(u: SystemdUnit): string {
  const slice = expandSlice(u.parent || DEFAULT_SLICE);
  return `${slice === '/' ? '' : slice}/${u.unit}`;
}

export const isSlice = (unit: string): boolean => unit.endsWith('.slice');
