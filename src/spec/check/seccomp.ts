// linux.seccomp: runc's rules for a profile (newer runc's texts), then the profile read as
// libseccomp will be given it (seccomp-profile.ts), which checks every name and number in it.
import type { Seccomp } from '../types.js';
import { failAt } from './fail.js';
import { parseProfile } from './seccomp-profile.js';

function fail(path: string, msg: string): never {
  failAt('config.json', path, msg);
}

export function checkSeccomp(sc: Seccomp | undefined): void {
  if (!sc) return;
  // runc ignores a seccomp object with neither a default action nor rules.
  if (sc.defaultAction === undefined && sc.syscalls?.length) fail('/linux/seccomp/defaultAction', 'is required');
  if (sc.defaultAction === 'SCMP_ACT_NOTIFY') fail('/linux/seccomp/defaultAction', 'SCMP_ACT_NOTIFY cannot be used as default action');
  sc.syscalls?.forEach((call, i) => {
    call.names.forEach((name, j) => {
      if (name === '') fail(`/linux/seccomp/syscalls/${i}/names/${j}`, 'empty string is not a valid syscall');
      // The notification would be written by the agent's own writes: runc refuses it too.
      if (name === 'write' && call.action === 'SCMP_ACT_NOTIFY') {
        fail(`/linux/seccomp/syscalls/${i}/action`, 'SCMP_ACT_NOTIFY cannot be used for the write syscall');
      }
    });
  });
  parseProfile(sc); // actions, architectures, flags, operators, listener
}
