// A cgroup v2 controller: the name cgroup.controllers lists it by, how it writes
// linux.resources (converting v1 values), and how it reads stats.
import type { Resources } from '../../spec/types.js';
import type { RawStats } from '../stats.js';
import type { Want } from '../wants.js';

export interface V2Controller {
  name: string;
  wants(r: Resources): Want | undefined;
  set(dir: string, r: Resources): void;
  stats?(dir: string, s: RawStats): void;
}
