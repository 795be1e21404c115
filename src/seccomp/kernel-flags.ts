// Which seccomp(2) filter flags the running kernel accepts. seccomp(SECCOMP_SET_MODE_FILTER, flags,
// NULL) checks the flags first: EINVAL for one it does not know, then EFAULT for the NULL program,
// so nothing is ever installed. WAIT_KILLABLE_RECV is only valid with NEW_LISTENER.
import { koffi, libc } from '../linux/libc.js';
import { FLAGS, FLAG_NEW_LISTENER, FLAG_WAIT_KILLABLE_RECV } from '../spec/seccomp-names.js';

const SYS_SECCOMP: Partial<Record<NodeJS.Architecture, number>> = {
  x64: 317, arm64: 277, riscv64: 277, ppc64: 358, s390x: 348, arm: 383, ia32: 354, loong64: 277,
};
const SECCOMP_SET_MODE_FILTER = 1, EINVAL = 22;

const sys = libc.func('long syscall(long, unsigned int, unsigned int, void *)');
const known = new Map<number, boolean>();

export function kernelAcceptsFlag(flag: number): boolean {
  if (flag === 0) return true; // TSYNC: accepted and ignored
  const nr = SYS_SECCOMP[process.arch];
  if (nr === undefined) return false;
  const probe = flag === FLAG_WAIT_KILLABLE_RECV ? flag | FLAG_NEW_LISTENER : flag;
  let ok = known.get(probe);
  if (ok === undefined) {
    ok = !(Number(sys(nr, SECCOMP_SET_MODE_FILTER, probe, null)) < 0 && koffi.errno() === EINVAL);
    known.set(probe, ok);
  }
  return ok;
}

/** The config.json flag names this kernel supports (for `runts features`). */
export function supportedFlagNames(): string[] {
  return Object.entries(FLAGS).filter(([, v]) => kernelAcceptsFlag(v)).map(([k]) => k);
}
