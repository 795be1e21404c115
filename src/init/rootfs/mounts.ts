// The config's mounts, in order: each by kind (proc/sysfs, bind, cgroup, anything else), with
// the error naming the mount once: "mount <source> to <destination>: <reason>".
import { MS, MOUNT_ATTR } from '../../linux/mount-options.js';
import { mountCgroup } from './cgroup-mount.js';
import { mountBind, mountPlain, procSysDest, type MountEntry } from './mount-entry.js';
import type { Ctx } from './plan.js';
import { errnoOf } from '../../linux/errors.js';
import { isKind, wrap } from '../../errors.js';

const EPERM = 1;

export function mountAll(ctx: Ctx, entries: readonly MountEntry[]): void {
  for (const e of entries) mountOne(ctx, e);
}

export function mountOne(ctx: Ctx, e: MountEntry): void {
  try {
    if (e.isBind || e.idmap !== 'none') mountBind(ctx, e);
    else if (e.type === 'proc' || e.type === 'sysfs') mountProcSys(ctx, e);
    else if (e.type === 'cgroup') mountCgroup(ctx, e);
    else mountPlain(ctx, e);
  } catch (err) {
    if (isKind(err, 'sys') && err.detail.op?.startsWith('mount ')) throw err;
    throw wrap(err, `mount ${e.source || e.type} to ${e.dest}`);
  }
}

/**
 * proc and sysfs. sysfs needs the network namespace's owner: in a user namespace without its
 * own network namespace the kernel refuses it, and the host's /sys is bound instead
 * (recursively, read-only if asked, as `runc spec --rootless` and crun do).
 */
function mountProcSys(ctx: Ctx, e: MountEntry): void {
  const dest = procSysDest(ctx, e); // mountPlain closes it
  try {
    mountPlain(ctx, e, { dest, data: e.opts.data });
  } catch (err) {
    if (!(e.type === 'sysfs' && ctx.plan.inUserNs && errnoOf(err) === EPERM)) throw err;
    const ro = (e.opts.flags & MS.RDONLY) !== 0;
    const bind: MountEntry = {
      ...e, type: 'bind', source: '/sys', isBind: true,
      opts: { ...e.opts, flags: e.opts.flags | MS.BIND | MS.REC, attrSet: e.opts.attrSet | (ro ? MOUNT_ATTR.RDONLY : 0), data: '' },
    };
    mountBind(ctx, bind, procSysDest(ctx, bind));
  }
}
