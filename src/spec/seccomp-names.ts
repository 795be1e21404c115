// The names config.json uses for seccomp (config-linux.md, "Seccomp") and the values they stand
// for: libseccomp's actions and comparison operators, its architecture names, and the flags of
// seccomp(2). Lists are what `runts features` reports.

/** Actions; ERRNO and TRACE carry an errno in their low 16 bits (SCMP_ACT_ERRNO(x), SCMP_ACT_TRACE(x)). */
export const ACTIONS: Readonly<Record<string, number>> = {
  SCMP_ACT_KILL: 0x00000000, // KILL_THREAD, as in seccomp.h
  SCMP_ACT_KILL_THREAD: 0x00000000,
  SCMP_ACT_KILL_PROCESS: 0x80000000,
  SCMP_ACT_TRAP: 0x00030000,
  SCMP_ACT_ERRNO: 0x00050000,
  SCMP_ACT_TRACE: 0x7ff00000,
  SCMP_ACT_LOG: 0x7ffc0000,
  SCMP_ACT_ALLOW: 0x7fff0000,
  SCMP_ACT_NOTIFY: 0x7fc00000,
};

export const ERRNO_ACTIONS = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);
export const EPERM = 1;
export const ENOSYS = 38;

/** The action value; errno (ERRNO and TRACE only) defaults to EPERM and keeps its low 16 bits, as runc. */
export function actionValue(name: string, errno?: number): number {
  const base = ACTIONS[name];
  return ERRNO_ACTIONS.has(name) ? (base | ((errno ?? EPERM) & 0xffff)) >>> 0 : base;
}

/** Default actions under which the -ENOSYS stub is not added: the process may run anything (runc's rule). */
export const PERMISSIVE_ACTIONS = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE']);

/** enum scmp_compare */
export const OPERATORS: Readonly<Record<string, number>> = {
  SCMP_CMP_NE: 1, SCMP_CMP_LT: 2, SCMP_CMP_LE: 3, SCMP_CMP_EQ: 4, SCMP_CMP_GE: 5, SCMP_CMP_GT: 6, SCMP_CMP_MASKED_EQ: 7,
};

/** Architectures libseccomp 2.5 knows, by their config.json name: the name seccomp_arch_resolve_name takes. */
export const ARCHS: Readonly<Record<string, string>> = {
  SCMP_ARCH_X86: 'x86', SCMP_ARCH_X86_64: 'x86_64', SCMP_ARCH_X32: 'x32', SCMP_ARCH_ARM: 'arm',
  SCMP_ARCH_AARCH64: 'aarch64', SCMP_ARCH_MIPS: 'mips', SCMP_ARCH_MIPS64: 'mips64', SCMP_ARCH_MIPS64N32: 'mips64n32',
  SCMP_ARCH_MIPSEL: 'mipsel', SCMP_ARCH_MIPSEL64: 'mipsel64', SCMP_ARCH_MIPSEL64N32: 'mipsel64n32', SCMP_ARCH_PPC: 'ppc',
  SCMP_ARCH_PPC64: 'ppc64', SCMP_ARCH_PPC64LE: 'ppc64le', SCMP_ARCH_S390: 's390', SCMP_ARCH_S390X: 's390x',
  SCMP_ARCH_PARISC: 'parisc', SCMP_ARCH_PARISC64: 'parisc64', SCMP_ARCH_RISCV64: 'riscv64',
};

/** Named in the spec but only known to libseccomp 2.6 and later: tried, and an error if unknown. */
export const NEWER_ARCHS: Readonly<Record<string, string>> = {
  SCMP_ARCH_LOONGARCH64: 'loongarch64', SCMP_ARCH_M68K: 'm68k', SCMP_ARCH_SH: 'sh', SCMP_ARCH_SHEB: 'sheb',
};

/** seccomp(2) filter flags. TSYNC is accepted and ignored: runts-finalize is single-threaded. */
export const FLAGS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: 0,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 32,
};
export const FLAG_NEW_LISTENER = 8;
export const FLAG_WAIT_KILLABLE_RECV = FLAGS.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
