// config.json's mounts: the rules their schema cannot say (runc's texts where it has them).
import { idmapKind, isBindMount, parseMountOptions } from '../../linux/mount-options.js';
import type { Mount, Spec } from '../types.js';
import { failAt } from './fail.js';

function fail(path: string, msg: string): never {
  failAt('config.json', path, msg);
}

export function checkMounts(spec: Spec): void {
  spec.mounts?.forEach((m, i) => {
    // A relative destination is deprecated but allowed (taken as relative to "/"), as runc does.
    if (m.destination === '') fail(`/mounts/${i}/destination`, 'must not be empty');
    for (const k of ['destination', 'source', 'type'] as const) {
      if (m[k]?.includes('\0')) fail(`/mounts/${i}/${k}`, 'mount field contains null byte');
    }
    if (idmapKind(m) !== 'none') checkIdmapMount(spec, m, i);
    checkBindOptions(m, i);
  });
}

/** A bind mount takes no filesystem data: an option runts does not know would be dropped. */
function checkBindOptions(m: Mount, i: number): void {
  const o = parseMountOptions(m.options);
  if (!isBindMount(m) || !o.data) return;
  const bad = o.data.split(',')[0];
  fail(`/mounts/${i}/options`, `unknown mount option ${JSON.stringify(bad)} for a bind mount`);
}

/** An id-mapped mount (runc's rules and texts): a bind, with mappings of its own or, for an
 * idmap/ridmap option without them, the container's user namespace's. */
function checkIdmapMount(spec: Spec, m: Mount, i: number): void {
  const isBind = isBindMount(m);
  if (!isBind) fail(`/mounts/${i}`, 'id-mapped mounts are only supported for bind-mounts');
  const own = m.uidMappings !== undefined || m.gidMappings !== undefined;
  const userns = !!spec.linux?.namespaces?.some((n) => n.type === 'user');
  if (own ? !m.uidMappings?.length || !m.gidMappings?.length : !userns) {
    fail(`/mounts/${i}`, 'id-mapped mounts must have both uid and gid mappings specified');
  }
}
