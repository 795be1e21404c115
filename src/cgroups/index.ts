// The cgroup manager: create a container's cgroups (newManager), or reach them again from the
// paths saved in state.json (loadManager). See docs/CGROUPS.md.
import { lstatSync, readdirSync } from 'node:fs';
import { detectLayout, hugePageSizeName } from './layout.js';
import { FsManager } from './manager.js';
import { innerPath, resolvePaths } from './paths.js';
import { annotationProperties } from './systemd/annotations.js';
import { SystemdManager } from './systemd/manager.js';
import { pid1Cgroups, unitDirs } from './systemd/paths.js';
import { parseSystemdPath, unitCgroupPath } from './systemd/unit-name.js';
import type { CgroupConfig, CgroupLayout, CgroupManager } from './types.js';
import { RuntsError } from '../errors.js';

export type { CgroupConfig, CgroupLayout, CgroupManager, HierarchyMount, LayoutFeatures } from './types.js';
export type { CgroupStats } from './stats.js';
export { detectLayout } from './layout.js';
export { parseSubCgroups, subCgroupDirs } from './sub.js';

function mountsOf(layout: CgroupLayout): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, m] of Object.entries(layout.v1)) out[k] = m.mountpoint;
  if (layout.v2) out[''] = layout.v2.mountpoint;
  return out;
}

/** As sd_booted(3): /run/systemd/system is a directory. */
function checkSystemd(cfg: CgroupConfig): void {
  let dir = false;
  try { dir = lstatSync('/run/systemd/system').isDirectory(); } catch { /* not booted with systemd */ }
  if (!dir) throw new RuntsError('runtime', 'systemd cgroup manager: systemd is not running');
  if (cfg.rootless) throw new RuntsError('runtime', 'systemd cgroup manager: rootless containers (the user manager) are not supported by runts');
}

function newSystemdManager(cfg: CgroupConfig, layout: CgroupLayout): CgroupManager {
  checkSystemd(cfg);
  const unit = parseSystemdPath(cfg.id, cfg.cgroupsPath);
  const dirs = unitDirs(layout, unitCgroupPath(unit), pid1Cgroups());
  return new SystemdManager(dirs, {
    unit: unit.unit, v2: layout.mode === 'v2', hugePageSizes: layout.features.hugePageSizes, specDevices: cfg.devices,
    create: { unit, mounts: mountsOf(layout), resources: cfg.resources ?? {}, extra: annotationProperties(cfg.annotations) },
  });
}

/** For create: resolves cgroupsPath in every hierarchy; nothing is created until apply(). */
export function newManager(cfg: CgroupConfig, layout: CgroupLayout = detectLayout()): CgroupManager {
  if (cfg.systemd) return newSystemdManager(cfg, layout);
  const dirs = resolvePaths(layout, innerPath(cfg.id, cfg.cgroupsPath));
  return new FsManager(dirs, {
    hugePageSizes: layout.features.hugePageSizes, rootless: cfg.rootless, specDevices: cfg.devices,
    create: { mounts: mountsOf(layout), resources: cfg.resources ?? {}, explicitPath: !!cfg.cgroupsPath },
  });
}

function hostHugePageSizes(): string[] {
  try { return readdirSync('/sys/kernel/mm/hugepages').map(hugePageSizeName).filter((x): x is string => !!x); } catch { return []; }
}

/** For later commands: the manager of an existing container, from its saved paths (and unit). */
export function loadManager(paths: Record<string, string>, unit?: string | false): CgroupManager {
  if (!unit) return new FsManager(paths, { hugePageSizes: hostHugePageSizes() });
  // pure cgroup v2: only the cgroup2 directory was saved
  const v2 = Object.keys(paths).length === 1 && '' in paths;
  return new SystemdManager(paths, { unit, v2, hugePageSizes: hostHugePageSizes() });
}
