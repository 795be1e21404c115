// linux.memoryPolicy: the mode's rules on the number of nodes (set_mempolicy(2)), newer runc's texts.
import { parseIdList } from '../cpu-list.js';
import type { Spec } from '../types.js';
import { failAt } from './fail.js';

function fail(path: string, msg: string): never {
  failAt('config.json', path, msg);
}

export function checkMemoryPolicy(spec: Spec): void {
  const mp = spec.linux?.memoryPolicy as { mode: string; nodes?: string } | undefined;
  if (!mp) return;
  const count = mp.nodes === undefined || mp.nodes === '' ? 0 : countList(mp.nodes);
  if (count < 0) fail('/linux/memoryPolicy/nodes', `invalid memory policy nodes ${JSON.stringify(mp.nodes)}`);
  if ((mp.mode === 'MPOL_DEFAULT' || mp.mode === 'MPOL_LOCAL') && count > 0) {
    fail('/linux/memoryPolicy/nodes', `memory policy mode ${mp.mode} requires 0 nodes but got ${count}`);
  }
  if (['MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_PREFERRED_MANY', 'MPOL_WEIGHTED_INTERLEAVE'].includes(mp.mode) && count === 0) {
    fail('/linux/memoryPolicy/nodes', `memory policy mode ${mp.mode} requires at least one node but got 0`);
  }
  if (mp.nodes) parseIdList(mp.nodes, `invalid memory policy nodes "${mp.nodes}"`); // the ids' bound
}

/** Number of entries in a list such as "0-3,7"; -1 when it is malformed. */
function countList(list: string): number {
  const ids = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return -1;
    const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65536) return -1;
    for (let n = lo; n <= hi; n++) ids.add(n);
  }
  return ids.size;
}
