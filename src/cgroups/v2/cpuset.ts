// v2 cpuset: cpuset.cpus / cpuset.mems (empty means "the parent's", so nothing to copy).
import type { Resources } from '../../spec/types.js';
import { writeValue } from '../fs.js';
import { wantsCpuset } from '../wants.js';
import type { V2Controller } from './controller.js';

function set(dir: string, r: Resources): void {
  if (r.cpu?.cpus) writeValue(dir, 'cpuset.cpus', r.cpu.cpus);
  if (r.cpu?.mems) writeValue(dir, 'cpuset.mems', r.cpu.mems);
}

export const cpuset: V2Controller = { name: 'cpuset', wants: wantsCpuset, set };
