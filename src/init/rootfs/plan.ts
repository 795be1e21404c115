// The rootfs plan the parent sends, and what the mount code needs at every step.
import type { InitPlan } from '../../protocol/init-plan.js';
import type { Root } from '../../linux/safe-path.js';

/** INIT_PLAN's part for the rootfs code. */
export type RootfsPlan = Omit<InitPlan, 'trace' | 'stateJson' | 'passFds'>;

/** What the mount code needs at every step. */
export interface Ctx {
  plan: RootfsPlan;
  root: Root;                // the rootfs, opened after it was bound onto itself
  cgroupns: boolean;         // the container has a cgroup namespace (new or joined)
  /** The detached, id-mapped copy of the source of the index-th mount (made by the parent). */
  idmappedSource?(index: number): number;
}
