// The compiled program, run through a classic BPF interpreter: what libseccomp made of the rules
// (names skipped, architectures, comparisons) and the -ENOSYS stub in front of it. Needs
// libseccomp.so.2 (scripts/setup-host.sh installs it).
import t from 'tap';
import { existsSync } from 'node:fs';
import { compileSeccomp } from '../../src/seccomp/index.js';
import { seccompFeatures } from '../../src/seccomp/features.js';
import { enosysStub } from '../../src/seccomp/enosys.js';
import { parseProfile } from '../../src/spec/check/seccomp-profile.js';
import { runFilter } from '../lib/cbpf.js';

const X86_64 = 0xc000003e, I386 = 0x40000003, AARCH64 = 0xc00000b7;
const NR = { read: 0, write: 1, mkdir: 83, personality: 135, rseq: 334, openat2: 437 }; // x86_64
const ALLOW = 0x7fff0000, EPERM = 0x50001, ENOSYS = 0x50026, KILL_THREAD = 0;
const skip = process.arch !== 'x64' ? 'the syscall numbers here are x86_64\'s'
  : !['/usr/lib/x86_64-linux-gnu/libseccomp.so.2', '/lib/x86_64-linux-gnu/libseccomp.so.2'].some(existsSync) ? 'no libseccomp.so.2' : false;

function verdict(profile: object, nr: number, args: bigint[] = [], arch = X86_64): number {
  return runFilter(compileSeccomp(profile)!.bpf, { nr, arch, args });
}

t.test('a name libseccomp does not know is skipped; the others apply', { skip }, async (t) => {
  const p = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['no_such_syscall', 'mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 28 }] };
  t.equal(verdict(p, NR.mkdir), 0x5001c);
  t.equal(verdict(p, NR.read), ALLOW);
});

t.test('architectures: the native one stays, listed ones are added, others get the bad-arch action', { skip }, async (t) => {
  const p = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86'], syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] };
  t.equal(verdict(p, NR.mkdir), EPERM);
  t.equal(verdict(p, 39 /* i386 mkdir */, [], I386), EPERM);
  t.equal(verdict(p, 39, [], X86_64), ALLOW, 'x86_64 39 is getpid');
  t.equal(verdict(p, 34, [], AARCH64), KILL_THREAD);
  t.throws(() => compileSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_LOONGARCH64'] }),
    /config\.json: \/linux\/seccomp\/architectures\/0: architecture loongarch64 is not known to this libseccomp/);
});

t.test('comparisons: 64-bit values, MASKED_EQ (value is the mask), GT, a repeated argument ORed', { skip }, async (t) => {
  const rule = (args: unknown[]) => ({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', args }] });
  const eq = rule([{ index: 0, value: 0x1_0000_0001, op: 'SCMP_CMP_EQ' }]);
  t.equal(verdict(eq, NR.personality, [0x1_0000_0001n]), EPERM);
  t.equal(verdict(eq, NR.personality, [1n]), ALLOW, 'the high word counts');
  const masked = rule([{ index: 0, value: 0xff, valueTwo: 0x12, op: 'SCMP_CMP_MASKED_EQ' }]);
  t.equal(verdict(masked, NR.personality, [0x7712n]), EPERM);
  t.equal(verdict(masked, NR.personality, [0x7713n]), ALLOW);
  const gt = rule([{ index: 0, value: 10, op: 'SCMP_CMP_GT' }]);
  t.equal(verdict(gt, NR.personality, [11n]), EPERM);
  t.equal(verdict(gt, NR.personality, [10n]), ALLOW);
  const either = rule([{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }, { index: 0, value: 9, op: 'SCMP_CMP_EQ' }]);
  t.equal(verdict(either, NR.personality, [9n]), EPERM);
  t.equal(verdict(either, NR.personality, [3n]), EPERM);
  t.equal(verdict(either, NR.personality, [4n]), ALLOW);
  const both = rule([{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }, { index: 1, value: 9, op: 'SCMP_CMP_EQ' }]);
  t.equal(verdict(both, NR.personality, [3n, 9n]), EPERM);
  t.equal(verdict(both, NR.personality, [3n, 8n]), ALLOW);
});

t.test('the -ENOSYS stub: syscalls above the highest the profile names get ENOSYS', { skip }, async (t) => {
  const allowList = (o: object = {}) => ({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write', 'rseq'], action: 'SCMP_ACT_ALLOW' }], ...o });
  t.equal(verdict(allowList(), NR.rseq), ALLOW);
  t.equal(verdict(allowList(), NR.mkdir), EPERM, 'below the highest: the default action');
  t.equal(verdict(allowList(), NR.openat2), ENOSYS);
  t.equal(verdict(allowList({ defaultErrnoRet: 95 }), NR.openat2), ENOSYS);
  t.equal(verdict(allowList({ defaultAction: 'SCMP_ACT_KILL_PROCESS' }), NR.openat2), ENOSYS);
  t.equal(verdict(allowList({ defaultAction: 'SCMP_ACT_LOG' }), NR.openat2), 0x7ffc0000, 'no stub under a permissive default');
  t.equal(enosysStub(parseProfile(allowList({ defaultErrnoRet: 38 }))!).length, 0, 'no stub when the default already is ENOSYS');
  t.ok(enosysStub(parseProfile(allowList({ defaultErrnoRet: 37 }))!).length > 0);
  const x32 = allowList({ architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] });
  t.equal(verdict(x32, 0x40000000 + NR.read), ALLOW, 'x32 read');
  t.equal(verdict(x32, 0x40000000 + NR.openat2), ENOSYS, 'x32 above its highest');
  t.equal(verdict(x32, NR.openat2 + 50, [], I386), ENOSYS, 'i386 above its highest');
  t.equal(verdict(x32, 3 /* i386 read */, [], I386), ALLOW);
});

t.test('flags: absent means SPEC_ALLOW where the kernel has it; listed flags the kernel lacks are refused', { skip }, async (t) => {
  const has = seccompFeatures().supportedFlags.includes('SECCOMP_FILTER_FLAG_SPEC_ALLOW');
  t.equal(compileSeccomp({ defaultAction: 'SCMP_ACT_ALLOW' })!.flags, has ? 4 : 0);
  t.equal(compileSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', flags: [] })!.flags, 0);
  t.equal(compileSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_TSYNC'] })!.flags, 2);
});

t.test('features: the names runts takes and the flags this kernel has', { skip }, async (t) => {
  const f = seccompFeatures();
  t.equal(f.enabled, true);
  t.ok(f.actions.includes('SCMP_ACT_NOTIFY') && f.actions.includes('SCMP_ACT_KILL_PROCESS'));
  t.equal(f.operators.length, 7);
  t.ok(f.archs.includes('SCMP_ARCH_X86_64'));
  t.same(f.knownFlags, ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']);
  t.ok(f.supportedFlags.includes('SECCOMP_FILTER_FLAG_TSYNC'));
  t.ok(f.supportedFlags.every((x) => f.knownFlags.includes(x)));
});
