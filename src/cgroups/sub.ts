// exec --cgroup: sub-cgroups of the container's that an exec'd process joins instead, in runc's
// argument format and with its errors: one "<path>" (the cgroup2 hierarchy), or any number of
// "<controller>[,<controller>...]:<path>" (v1 hierarchies, or "" is not a controller).
import { posix } from 'node:path';
import { RuntsError } from '../errors.js';

/** Controller ("" for the cgroup2 hierarchy) -> path below the container's cgroup. */
export function parseSubCgroups(args: string[]): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const arg of args) {
    const colon = arg.indexOf(':');
    if (colon < 0) {
      if (args.length !== 1) throw new RuntsError('usage', `invalid --cgroup argument: ${arg} (missing <controller>: prefix)`);
      paths[''] = arg;
      continue;
    }
    for (const ctrl of arg.slice(0, colon).split(',')) {
      if (!ctrl) throw new RuntsError('usage', `invalid --cgroup argument: ${arg} (empty <controller> prefix)`);
      if (ctrl in paths) throw new RuntsError('usage', `invalid --cgroup argument(s): controller ${ctrl} specified multiple times`);
      paths[ctrl] = arg.slice(colon + 1);
    }
  }
  return paths;
}

/** The directories to join: the container's, each replaced by its sub-cgroup where one is given;
 * a sub-cgroup must stay below the container's (as runc checks). */
export function subCgroupDirs(dirs: Record<string, string>, sub: Record<string, string>): Record<string, string> {
  const out = { ...dirs };
  for (const [ctrl, rel] of Object.entries(sub)) {
    const base = dirs[ctrl];
    if (base === undefined) throw new RuntsError('usage', `unknown controller ${ctrl} in SubCgroupPaths`);
    const dir = posix.join(base, rel);
    if (dir !== base && !dir.startsWith(base + '/')) throw new RuntsError('usage', `${rel} is not a sub cgroup path`);
    out[ctrl] = dir;
  }
  return out;
}
