// The rootfs plan the parent sends, and what the mount code needs at every step.
import type { Spec } from '../../spec/types.js';
import type { Root } from './safe-path.js';

export interface RootfsPlan {
  rootfs: string;            // absolute host path of the rootfs (root.path resolved against the bundle)
  bundle: string;            // absolute bundle dir (relative bind sources are relative to it)
  spec: Spec;                // the validated config
  noPivot: boolean;          // --no-pivot: MS_MOVE the rootfs onto / and chroot instead of pivot_root
  newMountNs: boolean;
  newUtsNs: boolean;
  newCgroupNs: boolean;      // made by the init once the parent has moved it into its cgroup
  inUserNs: boolean;         // mknod is not possible: devices are bind-mounted from the host
}

/** What the mount code needs at every step. */
export interface Ctx {
  plan: RootfsPlan;
  root: Root;                // the rootfs, opened after it was bound onto itself
  cgroupns: boolean;         // the container has a cgroup namespace (new or joined)
  /** The detached, id-mapped copy of the source of the index-th mount (made by the parent). */
  idmappedSource?(index: number): number;
}
