// The container's cgroups as criu sees them: dump freezes the tasks through the container's
// freezer (cgroup v1's freezer or cgroup2's cgroup.freeze, as runc) instead of seizing them one by
// one; restore re-roots the dumped cgroups at the new container's (cg_root, per v1
// controller), which runts has made and limited before criu runs.
const CGROUP_MNT = '/sys/fs/cgroup/';

/** Controller (v1) or "" (cgroup2) -> absolute directory, as saved in state.json. */
type Paths = Record<string, string>;

export function freezeArgs(paths: Paths): string[] {
  const dir = paths.freezer ?? paths[''];
  return dir ? ['--freeze-cgroup', dir] : [];
}

/** The path of dir inside its hierarchy: /sys/fs/cgroup/X for cgroup2 (/sys/fs/cgroup/unified/X
 * on a hybrid host), /sys/fs/cgroup/<mount>/X for v1. */
function inHierarchy(key: string, dir: string): string | undefined {
  if (!dir.startsWith(CGROUP_MNT)) return undefined;
  const rest = dir.slice(CGROUP_MNT.length).split('/');
  const hybridV2 = key === '' && rest[0] === 'unified' && rest.length > 1;
  return '/' + (key === '' && !hybridV2 ? rest : rest.slice(1)).join('/');
}

/** criu_opts' cg_root entries: each hierarchy's directory (cgroup2's without a controller). */
export function cgroupRoots(paths: Paths): { ctrl?: string; path: string }[] {
  return Object.entries(paths).flatMap(([key, dir]) => {
    const path = inHierarchy(key, dir);
    if (path === undefined || key.startsWith('name=')) return [];
    return [key === '' ? { path } : { ctrl: key, path }];
  });
}
