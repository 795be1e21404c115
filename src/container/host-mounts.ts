// A container without a mount namespace of its own gets its mounts in runts' namespace, under
// a bind of the rootfs onto itself (src/init/rootfs/pivot.ts). create notes that bind by its
// mount id (the topmost mount on the rootfs, when the launch changed it); delete, or a failed
// create, detaches it with everything under it, so nothing is left on the host.
import { realpathSync } from 'node:fs';
import { MNT_DETACH, umount2 } from '../linux/mount.js';
import { readMountinfo } from '../linux/mountinfo.js';
import type { Spec } from '../spec/types.js';

export function sharesHostMountNs(spec: Spec): boolean {
  return !spec.linux?.namespaces?.some((n) => n.type === 'mount');
}

/** The id of the topmost mount on path in runts' mount namespace, if path is a mount point. */
function topMountId(path: string): number | undefined {
  let real: string;
  try { real = realpathSync(path); } catch { return undefined; }
  const at = readMountinfo().filter((m) => m.mountpoint === real);
  const under = new Set(at.map((m) => m.parent));
  return at.find((m) => !under.has(m.id))?.id;
}

/** Before the launch: returns what tells, afterwards, the id of the bind the launch made. */
export function watchRootfsBind(spec: Spec, rootfs: string): () => number | undefined {
  if (!sharesHostMountNs(spec)) return () => undefined;
  const before = topMountId(rootfs);
  return () => {
    const now = topMountId(rootfs);
    return now !== before ? now : undefined;
  };
}

/** Detaches the rootfs bind create made, if it is still the topmost mount there. */
export function detachRootfsBind(rootfs: string, id: number | undefined): void {
  if (id !== undefined && topMountId(rootfs) === id) umount2(rootfs, MNT_DETACH);
}
