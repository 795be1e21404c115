// The container's filesystem, set up by the Node init in the container's new mount namespace,
// in two calls around the createContainer hooks:
//
//   prepareRootfs: "/" rslave (or rootfsPropagation's flavour), the rootfs's parent mount
//                  private, the rootfs bound onto itself; the config's mounts in order; /dev's
//                  devices, /dev/ptmx and the /proc/self/fd symlinks (unless /dev is a bind).
//   finishRootfs:  read-only tmpfs and /dev remounts; pivot_root (or --no-pivot's move and
//                  chroot); rootfsPropagation on the new "/"; root.readonly; stdio off the
//                  host's /dev/null; hostname, domainname; sysctl; readonlyPaths; maskedPaths.
//                  Leaves the cwd at "/".
//
// Without a mount namespace of its own (none in linux.namespaces) a config that mounts
// anything gets its mounts in runts' own namespace, under a private bind of the rootfs onto
// itself (no propagation change outside it), and a chroot instead of pivot_root; delete
// detaches that bind (src/container/host-mounts.ts).
//
// Every path inside the rootfs is resolved by openat2 relative to an fd of the rootfs and every
// mount made onto an fd (linux/safe-path.ts, mount-entry.ts), so a symlink, present or racing, never
// makes anything be created or mounted outside it.
import { PROPAGATION_FLAGS } from '../../linux/mount-options.js';
import { closeFd } from '../../linux/fs.js';
import { reopenDevNull } from './devnull.js';
import { createDevices, needsSetupDev, setupDevSymlinks, setupPtmx } from './devices.js';
import { maskPaths, readonlyPaths } from './masked.js';
import { toEntry, type MountEntry } from './mount-entry.js';
import { mountAll } from './mounts.js';
import { setNames } from './names.js';
import {
  applyRootPropagation, bindRootfsInPlace, chrootInto, moveRootInto, pivotInto, prepareRoot, setRootReadonly,
} from './pivot.js';
import type { Ctx, RootfsPlan } from './plan.js';
import { remountReadonlyMounts } from './readonly.js';
import { mkdirAllInRoot, openOrCreateFileInRoot, openRoot, type Root } from '../../linux/safe-path.js';
import { writeSysctls } from './sysctl.js';
import { RuntsError } from '../../errors.js';

export type { RootfsPlan } from './plan.js';

/** prepareRootfs's result, which the init holds for finishRootfs (across the hooks). */
export interface Prepared {
  ctx: Ctx;
  entries: MountEntry[];
  setupDev: boolean;         // runts created /dev's devices (no bind mount on /dev)
  rootPropagation: number;   // MS_* flags of linux.rootfsPropagation (0: not set)
}

function rootPropagationFlags(value: string | undefined): number {
  if (!value) return 0;
  const flags = PROPAGATION_FLAGS[value];
  if (flags === undefined) throw new RuntsError('runtime', `unknown rootfsPropagation "${value}"`);
  return flags;
}

/** runc creates process.cwd when the image lacks it; a failure is left for runts-finalize's
 * chdir to report with the path. */
function createCwd(ctx: Ctx): void {
  const cwd = ctx.plan.spec.process?.cwd;
  if (!cwd || cwd === '/') return;
  try { closeFd(mkdirAllInRoot(ctx.root, cwd)); } catch { /* reported by chdir */ }
}

/** Whether the config makes any mount (without a mount namespace, runts' own namespace gets them). */
function mountsWanted(spec: RootfsPlan['spec'], entries: number): boolean {
  return entries > 0 || !!spec.root?.readonly || !!spec.linux?.maskedPaths?.length || !!spec.linux?.readonlyPaths?.length;
}

/** runts-finalize mounts the pty on /dev/console after /dev may have become read-only: its
 * mount point is made now, as runc makes it before the read-only remount. */
function makeConsoleMountpoint(root: Root): void {
  closeFd(openOrCreateFileInRoot(root, '/dev/console', 0o666));
}

/** idmappedSource: how the init gets an id-mapped mount's source from the parent. Returns what
 * finishRootfs needs (after the hooks the parent runs in between). */
export function prepareRootfs(plan: RootfsPlan, idmappedSource?: Ctx['idmappedSource']): Prepared {
  const spec = plan.spec;
  const entries = (spec.mounts ?? []).map((m, i) => toEntry(m, plan.bundle, i));
  const rootPropagation = rootPropagationFlags(spec.linux?.rootfsPropagation);
  if (!plan.newMountNs) {
    if (!mountsWanted(spec, entries.length)) {
      return { ctx: { plan, root: openRoot(plan.rootfs), cgroupns: false }, entries, setupDev: false, rootPropagation };
    }
    bindRootfsInPlace(plan.rootfs);
  } else {
    prepareRoot(plan.rootfs, rootPropagation);
  }
  const ctx: Ctx = {
    plan, root: openRoot(plan.rootfs),
    cgroupns: !!spec.linux?.namespaces?.some((n) => n.type === 'cgroup'),
    idmappedSource,
  };
  mountAll(ctx, entries);
  const setupDev = needsSetupDev(entries);
  if (setupDev) {
    createDevices(ctx);
    setupPtmx(ctx);
    setupDevSymlinks(ctx);
  }
  createCwd(ctx);
  if (spec.process?.terminal) makeConsoleMountpoint(ctx.root);
  return { ctx, entries, setupDev, rootPropagation };
}

export function finishRootfs(p: Prepared): void {
  const { ctx, entries } = p, plan = ctx.plan;
  const spec = plan.spec;
  try {
    remountReadonlyMounts(ctx.root, entries);
    if (!plan.newMountNs) {
      chrootInto(ctx.root);
    } else {
      if (plan.noPivot) moveRootInto(ctx.root);
      else pivotInto(ctx.root);
    }
  } finally { closeFd(ctx.root.fd); }
  if (plan.newMountNs) applyRootPropagation(p.rootPropagation);
  if (spec.root?.readonly) setRootReadonly();
  if (p.setupDev) reopenDevNull();
  setNames(plan);
  writeSysctls(spec.linux?.sysctl);
  const masked = spec.linux?.maskedPaths ?? [], readonly = spec.linux?.readonlyPaths ?? [];
  if (masked.length || readonly.length) {
    const root = openRoot('/');
    try {
      readonlyPaths(root, readonly);
      maskPaths(root, masked, spec.linux?.mountLabel || undefined);
    } finally { closeFd(root.fd); }
  }
  process.chdir('/'); // the kernel's cwd is "/" already; this also resets Node's cached cwd
}
