// linux.resources.unified: raw cgroup v2 files. The key's controller (the part before the first
// ".") must be available in the container's cgroup ("cgroup.*" files are always there).
import { writeValue } from '../fs.js';
import { cgroupError } from '../errors.js';

export function setUnified(dir: string | undefined, controllers: string[], unified: Record<string, string>): void {
  for (const [key, value] of Object.entries(unified)) {
    const what = `linux.resources.unified[${JSON.stringify(key)}]`;
    if (!/^[a-z0-9_]+\.[^/]+$/.test(key) || key.includes('..')) throw cgroupError(`${what}: not a cgroup v2 file name (CONTROLLER.PARAMETER)`);
    if (!dir) throw cgroupError(`${what}: this host has no cgroup v2 hierarchy`);
    const ctrl = key.slice(0, key.indexOf('.'));
    if (ctrl !== 'cgroup' && !controllers.includes(ctrl)) {
      throw cgroupError(`${what}: controller ${JSON.stringify(ctrl)} is not available in the cgroup v2 hierarchy (${dir}/cgroup.controllers: ${controllers.join(' ') || 'none'})`);
    }
    writeValue(dir, key, value);
  }
}
