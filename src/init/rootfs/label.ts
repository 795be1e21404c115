// linux.mountLabel, on the mounts runc labels: a `context="LABEL"` mount option for every
// filesystem the container mounts except proc, sysfs, cgroup/cgroup2 and binds (for a bind the
// kernel ignores data); mqueue, which takes no context option, gets the label on its root
// instead (security.selinux); masked directories' tmpfs get it too (masked.ts). create refuses a
// mountLabel where SELinux is off (src/spec/check/host-support.ts), so SELinux is on here.
import { fdPath } from '../../linux/fs.js';
import { setxattr } from '../../linux/xattr.js';
import type { Ctx } from './plan.js';
import { RuntsError } from '../../errors.js';

const UNLABELLED = new Set(['proc', 'sysfs', 'cgroup', 'cgroup2', 'mqueue', 'bind']);

export function mountLabel(ctx: Ctx): string | undefined {
  return ctx.plan.spec.linux?.mountLabel || undefined;
}

/** The mount data with the label's context option, for the filesystems runc labels. */
export function labelledData(ctx: Ctx, type: string, data: string): string {
  const label = mountLabel(ctx);
  if (!label || UNLABELLED.has(type)) return data;
  if (/["\n]/.test(label)) throw new RuntsError('config', `linux.mountLabel ${JSON.stringify(label)}: a label has no quote or newline`);
  return (data ? data + ',' : '') + `context="${label}"`;
}

/** mqueue: the label on the new mount's root (fd: an O_PATH fd of it). */
export function labelMqueue(ctx: Ctx, type: string, fd: number, what: string): void {
  const label = mountLabel(ctx);
  if (label && type === 'mqueue') setxattr(fdPath(fd), 'security.selinux', label, what);
}
