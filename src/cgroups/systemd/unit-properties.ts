// The properties of the unit made at create, besides the resources (as runc's driver sets them):
// its description, where it goes (a scope: Slice= and Delegate=yes; a slice: Wants= its parent),
// the init's pid, accounting on (so every controller is there to write to), and no default
// dependencies (a container must not be ordered after, or stopped with, other units).
import { prop, type Property } from './properties.js';
import { DEFAULT_SLICE, isSlice, type SystemdUnit } from './unit-name.js';

export function unitProperties(u: SystemdUnit, pid: number, v2: boolean): Property[] {
  const slice = u.parent || DEFAULT_SLICE;
  const out = [prop('Description', 's', `runts container ${u.name}`)];
  if (isSlice(u.unit)) out.push(prop('Wants', 'as', [slice]));
  else out.push(prop('Slice', 's', slice), prop('Delegate', 'b', true));
  out.push(
    prop('PIDs', 'au', [pid]),
    prop('MemoryAccounting', 'b', true), prop('CPUAccounting', 'b', true),
    prop(v2 ? 'IOAccounting' : 'BlockIOAccounting', 'b', true), prop('TasksAccounting', 'b', true),
    prop('DefaultDependencies', 'b', false),
  );
  return out;
}
