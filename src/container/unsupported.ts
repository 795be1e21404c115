// Settings of config.json that runts cannot apply (yet, or on this host) are refused before
// anything is made, each with one line naming it, instead of being ignored. Where runc has a
// text for the same refusal (an LSM the host does not have), it is runc's.
import { existsSync, readFileSync } from 'node:fs';
import type { Process, Spec } from '../spec/types.js';
import { RuntimeError } from './errors.js';

/** Process settings: for create (the config's process) and for exec. */
export function checkProcessSupported(p: Process | undefined, where = '/process'): void {
  if (!p) return;
  if (p.selinuxLabel) throw new RuntimeError('selinux label is specified in config, but selinux is disabled or not supported');
  if (p.apparmorProfile) {
    throw new RuntimeError(apparmorEnabled()
      ? `config.json: ${where}/apparmorProfile: AppArmor profiles are not supported by runts yet`
      : `apparmor failed to apply profile ${p.apparmorProfile}: AppArmor is not enabled on this host`);
  }
  const q = p as Process & Record<string, unknown>;
  for (const key of ['scheduler', 'ioPriority', 'execCPUAffinity']) {
    if (q[key] !== undefined) throw new RuntimeError(`config.json: ${where}/${key}: not supported by runts yet`);
  }
}

export function checkSupported(spec: Spec): void {
  checkProcessSupported(spec.process);
  const linux = (spec.linux ?? {}) as Record<string, unknown>;
  if (linux.mountLabel) throw new RuntimeError('selinux label is specified in config, but selinux is disabled or not supported');
  if (linux.intelRdt !== undefined) {
    throw new RuntimeError(existsSync('/sys/fs/resctrl/schemata')
      ? 'config.json: /linux/intelRdt: not supported by runts yet'
      : 'intelRdt is specified in config, but Intel RDT is not supported or enabled (no resctrl file system at /sys/fs/resctrl)');
  }
  for (const key of ['personality', 'memoryPolicy', 'netDevices']) {
    if (linux[key] !== undefined) throw new RuntimeError(`config.json: /linux/${key}: not supported by runts yet`);
  }
}

function apparmorEnabled(): boolean {
  try { return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y'; } catch { return false; }
}
