// libseccomp.so.2 through koffi, opened on the first call (only when a container has a profile:
// `state`, `list` and `features` never load it). Functions return a negative errno on failure.
import { sharedLibrary, libc } from '../linux/libc.js';

const lib = sharedLibrary('libseccomp.so.2');

export const scmp = {
  init: lib.func('void *seccomp_init(uint32_t def_action)'),
  release: lib.func('void seccomp_release(void *ctx)'),
  attrSet: lib.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)'),
  archNative: lib.func('uint32_t seccomp_arch_native()'),
  archResolveName: lib.func('uint32_t seccomp_arch_resolve_name(const char *name)'),
  archAdd: lib.func('int seccomp_arch_add(void *ctx, uint32_t arch)'),
  syscallResolveName: lib.func('int seccomp_syscall_resolve_name(const char *name)'),
  syscallResolveNameArch: lib.func('int seccomp_syscall_resolve_name_arch(uint32_t arch, const char *name)'),
  /** args: struct scmp_arg_cmp[] (u32 arg, u32 op, u64 datum_a, u64 datum_b), packed in a Buffer */
  ruleAddArray: lib.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int n, const void *args)'),
  exportBpf: lib.func('int seccomp_export_bpf(void *ctx, int fd)'),
};

export const memfdCreate = libc.func('int memfd_create(const char *name, unsigned int flags)');

/** seccomp.h: enum scmp_filter_attr */
export const FLTATR = { CTL_OPTIMIZE: 8, API_SYSRAWRC: 9 } as const;
/** seccomp.h: __NR_SCMP_ERROR, what the resolvers return for a name they do not know */
export const NR_SCMP_ERROR = -1;
/** seccomp.h: SCMP_ARCH_X32 is a libseccomp token; the kernel reports x32 calls as x86_64 with bit 30 set */
export const SCMP_ARCH_X32 = 0x4000003e;
export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const X32_SYSCALL_BIT = 0x40000000;
