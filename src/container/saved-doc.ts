// state.json's document (store.ts's Saved), built here only: by create and by restore, once
// before anything is made (`creating`, no pid), once with the init's pid and a last time.
import os from 'node:os';
import { startTime } from '../linux/process.js';
import type { CgroupManager } from '../cgroups/index.js';
import type { Spec } from '../spec/types.js';
import type { Saved } from './store.js';

/** What is known of a container from the start of its create or restore. */
export interface SavedBase {
  id: string; bundle: string; rootfs: string; spec: Spec; systemdCgroup: boolean; noNewKeyring?: boolean;
  /** RFC 3339, taken once */
  created: string;
}

/** The document for the init `pid` (0: none yet) in cgroup `cg`; `creating` until the last write. */
export function savedDoc(b: SavedBase, cg: CgroupManager, pid: number, creating: boolean, rootfsBind?: number): Saved {
  return {
    id: b.id, pid, startTime: (pid && startTime(pid)) || '', bundle: b.bundle, rootfs: b.rootfs, created: b.created,
    owner: os.userInfo().username, spec: b.spec, cgroupPaths: cg.paths(), systemdCgroup: b.systemdCgroup,
    systemdUnit: cg.unitName?.(), noNewKeyring: b.noNewKeyring, rootfsBind, ...(creating ? { creating } : {}),
  };
}
