// The cgroup manager: create a container's cgroups (newManager), or reach them again from the
// paths saved in state.json (loadManager). See docs/CGROUPS.md.
import { existsSync, readdirSync } from 'node:fs';
import { detectLayout, hugePageSizeName } from './layout.js';
import { FsManager } from './manager.js';
import { innerPath, resolvePaths } from './paths.js';
import type { CgroupConfig, CgroupLayout, CgroupManager } from './types.js';

export type { CgroupConfig, CgroupLayout, CgroupManager, HierarchyMount, LayoutFeatures } from './types.js';
export type { CgroupStats } from './stats.js';
export { CgroupError } from './errors.js';
export { detectLayout } from './layout.js';
export { parseSubCgroups, subCgroupDirs } from './sub.js';

function mountsOf(layout: CgroupLayout): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, m] of Object.entries(layout.v1)) out[k] = m.mountpoint;
  if (layout.v2) out[''] = layout.v2.mountpoint;
  return out;
}

function checkSystemd(): never {
  if (!existsSync('/run/systemd/system')) throw new Error('systemd cgroup manager: systemd is not running');
  throw new Error('systemd cgroup manager: not supported by runts yet (run without --systemd-cgroup)');
}

/** For create: resolves cgroupsPath in every hierarchy; nothing is created until apply(). */
export function newManager(cfg: CgroupConfig, layout: CgroupLayout = detectLayout()): CgroupManager {
  if (cfg.systemd) checkSystemd();
  const dirs = resolvePaths(layout, innerPath(cfg.id, cfg.cgroupsPath));
  return new FsManager(dirs, {
    hugePageSizes: layout.features.hugePageSizes, rootless: cfg.rootless, specDevices: cfg.devices,
    create: { mounts: mountsOf(layout), resources: cfg.resources ?? {}, explicitPath: !!cfg.cgroupsPath },
  });
}

function hostHugePageSizes(): string[] {
  try { return readdirSync('/sys/kernel/mm/hugepages').map(hugePageSizeName).filter((x): x is string => !!x); } catch { return []; }
}

/** For later commands: the manager of an existing container, from its saved paths. */
export function loadManager(paths: Record<string, string>, systemd: boolean): CgroupManager {
  void systemd; // a systemd-managed container could not have been created; the paths say it all
  return new FsManager(paths, { hugePageSizes: hostHugePageSizes() });
}
