// Settings of config.json that runts cannot apply (yet, or on this host) are refused before
// anything is made, each with one line naming it, instead of being ignored. Where runc has a
// text for the same refusal, it is runc's. LSM labels are applied where the host has the LSM:
// an SELinux label without SELinux is refused here (runc's validator does the same, and a
// mountLabel with it, where runc fails at the first labelled mount); an AppArmor profile is
// always handed to runts-finalize, whose write the kernel refuses without AppArmor, as in runc.
import { existsSync } from 'node:fs';
import { selinuxEnabled } from '../../linux/lsm.js';
import { warn } from '../../log-sink.js';
import { RuntsError } from '../../errors.js';
import type { Process, Spec } from '../types.js';

const SELINUX_OFF = 'selinux label is specified in config, but selinux is disabled or not supported';

/** Process settings: for create (the config's process) and for exec. */
export function checkProcessSupported(p: Process | undefined): void {
  if (p?.selinuxLabel && !selinuxEnabled()) throw new RuntsError('config', SELINUX_OFF);
}

export function checkHostSupport(spec: Spec): void {
  const linux = (spec.linux ?? {}) as Record<string, unknown>;
  if (linux.mountLabel && !selinuxEnabled()) throw new RuntsError('config', SELINUX_OFF);
  if (linux.intelRdt !== undefined) {
    throw new RuntsError('config', existsSync('/sys/fs/resctrl/schemata')
      ? 'config.json: /linux/intelRdt: not supported by runts yet'
      : 'intelRdt is specified in config, but Intel RDT is not enabled (no resctrl file system at /sys/fs/resctrl)');
  }
  const flags = spec.linux?.personality?.flags;
  if (flags?.length) warn(`ignoring unsupported personality flags: ${flags.join(' ')} (the spec defines none)`);
}
