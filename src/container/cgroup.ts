// The container layer's view of the cgroup manager (src/cgroups): create, reload from the
// paths saved in state.json, and ask whether the container is frozen.
import { loadManager, newManager, type CgroupManager } from '../cgroups/index.js';
import type { Spec } from '../spec/types.js';
import type { Saved } from './store.js';

export function createCgroup(id: string, spec: Spec, systemd: boolean): CgroupManager {
  return newManager({ id, cgroupsPath: spec.linux?.cgroupsPath, systemd, resources: spec.linux?.resources, annotations: spec.annotations });
}

export function savedCgroup(s: Saved): CgroupManager | undefined {
  return Object.keys(s.cgroupPaths ?? {}).length ? loadManager(s.cgroupPaths, s.systemdCgroup && s.systemdUnit) : undefined;
}

export function isFrozen(s: Saved): boolean {
  try { return savedCgroup(s)?.frozen() ?? false; } catch { return false; }
}
