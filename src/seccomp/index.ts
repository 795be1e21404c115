// src/seccomp: linux.seccomp -> the classic BPF program and seccomp(2) flags runts-finalize
// loads just before execve. libseccomp is loaded only here, when a container has a profile.
import { libseccompFilter } from './compile.js';
import { enosysStub } from './enosys.js';
import { kernelAcceptsFlag } from './kernel-flags.js';
import { FLAGS } from '../spec/seccomp-names.js';
import { parseProfile, type Profile } from '../spec/check/seccomp-profile.js';
import { configError } from '../spec/config-error.js';

export interface CompiledSeccomp {
  /** struct sock_filter[]: the -ENOSYS stub, then libseccomp's filter */
  bpf: Buffer;
  flags: number;
}

/** BPF_MAXINSNS: the kernel refuses longer programs. */
const MAX_INSNS = 4096;

function seccompFlags(p: Profile): number {
  if (!p.flagNames) return p.flags | (kernelAcceptsFlag(FLAGS.SECCOMP_FILTER_FLAG_SPEC_ALLOW) ? FLAGS.SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0);
  for (const f of p.flagNames) {
    if (!kernelAcceptsFlag(FLAGS[f.name])) throw configError(f.at, `${f.name} is not supported by this kernel`);
  }
  return p.flags;
}

/** The compiled profile, or undefined when the config has none. Errors name config.json's path. */
export function compileSeccomp(config: unknown): CompiledSeccomp | undefined {
  const p = parseProfile(config);
  if (!p) return undefined;
  const flags = seccompFlags(p);
  const bpf = Buffer.concat([enosysStub(p), libseccompFilter(p)]);
  if (bpf.length / 8 > MAX_INSNS) {
    throw configError('/linux/seccomp', `the filter has ${bpf.length / 8} instructions, more than the kernel's ${MAX_INSNS}`);
  }
  return { bpf, flags };
}
