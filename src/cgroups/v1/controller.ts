// A cgroup v1 controller: its hierarchy name, how it writes linux.resources, how it reads stats.
import type { Resources } from '../../spec/types.js';
import type { RawStats } from '../stats.js';
import type { Want } from '../wants.js';

export interface V1Controller {
  name: string;
  wants?(r: Resources): Want | undefined;
  set?(dir: string, r: Resources): void;
  stats?(dir: string, s: RawStats): void;
}
