// Which Linux security modules this host really has, decided in one place (runc's tests):
// AppArmor when securityfs shows it and the module says it is enabled; SELinux when selinuxfs is
// mounted and a policy is loaded (before that every task's context reads "kernel"). Labels
// themselves are written by runts-finalize (native/lsm.h) and the Node init's mounts.
import { existsSync, readFileSync } from 'node:fs';

function read(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

export function apparmorEnabled(): boolean {
  return existsSync('/sys/kernel/security/apparmor') && read('/sys/module/apparmor/parameters/enabled')?.startsWith('Y') === true;
}

export function selinuxEnabled(): boolean {
  if (!existsSync('/sys/fs/selinux/enforce')) return false;
  const current = read('/proc/thread-self/attr/current')?.replace(/\0+$/, '').trim();
  return current !== undefined && current !== '' && current !== 'kernel';
}
