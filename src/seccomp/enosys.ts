// The -ENOSYS stub put in front of libseccomp's filter, as runc does (its patchbpf): a syscall
// whose number is above the highest one the profile names (per architecture) returns ENOSYS
// instead of the default action. A profile written before a syscall existed then reads to the
// program like a kernel without it, and a newer libc falls back (clone3 -> clone, statx -> stat...)
// instead of failing with EPERM. Left out when the default action lets syscalls run (ALLOW, LOG,
// TRACE) or already is ENOSYS.
import { ACTIONS, ENOSYS, PERMISSIVE_ACTIONS } from '../spec/seccomp-names.js';
import type { Profile } from '../spec/check/seccomp-profile.js';
import { AUDIT_ARCH_X86_64, SCMP_ARCH_X32, X32_SYSCALL_BIT, scmp } from './libseccomp.js';
import { RuntsError } from '../errors.js';

// Classic BPF opcodes (linux/filter.h)
const LD_W_ABS = 0x20, JEQ = 0x15, JGT = 0x25, JSET = 0x45, JA = 0x05, RET = 0x06;
const S390 = new Set(['s390', 's390x']);

type Item = { label: string } | { code: number; k: number; jt?: string; jf?: string };

/** The highest syscall number each architecture gives the profile's names, keyed by kernel (audit) arch. */
interface ArchMax { audit: number; max?: number; x32Max?: number; s390: boolean }

function highest(token: number, names: string[]): number | undefined {
  let max: number | undefined;
  for (const n of names) {
    const nr = scmp.syscallResolveNameArch(token, n) as number;
    if (nr >= 0 && (max === undefined || nr > max)) max = nr;
  }
  return max;
}

function archMaxima(p: Profile): ArchMax[] {
  const tokens = new Map<number, string>([[scmp.archNative() as number, '']]);
  for (const a of p.archs) tokens.set(scmp.archResolveName(a.name) as number, a.name);
  const byAudit = new Map<number, ArchMax>();
  for (const [token, name] of tokens) {
    const max = highest(token, p.names);
    if (max === undefined) continue;
    const audit = token === SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
    const entry = byAudit.get(audit) ?? { audit, s390: S390.has(name) };
    if (token === SCMP_ARCH_X32) entry.x32Max = max; else entry.max = max;
    byAudit.set(audit, entry);
  }
  return [...byAudit.values()];
}

function section(a: ArchMax): Item[] {
  const sec = `arch-${a.audit}`, x32 = `x32-${a.audit}`;
  const items: Item[] = [{ label: sec }, { code: LD_W_ABS, k: 0 }];
  // s390: unknown syscall numbers arrive as 0 (the multiplexer), which must read as ENOSYS too
  if (a.s390) items.push({ code: JEQ, k: 0, jt: 'enosys' });
  if (a.audit === AUDIT_ARCH_X86_64) items.push({ code: JSET, k: X32_SYSCALL_BIT, jt: a.x32Max === undefined ? 'filter' : x32 });
  if (a.max !== undefined) items.push({ code: JGT, k: a.max, jt: 'enosys' });
  items.push({ code: JA, k: 0, jt: 'filter' });
  if (a.audit === AUDIT_ARCH_X86_64 && a.x32Max !== undefined) {
    items.push({ label: x32 }, { code: JGT, k: a.x32Max, jt: 'enosys' }, { code: JA, k: 0, jt: 'filter' });
  }
  return items;
}

function assemble(items: Item[]): Buffer {
  const at = new Map<string, number>();
  let n = 0;
  for (const it of items) if ('label' in it) at.set(it.label, n); else n++;
  const out = Buffer.alloc(n * 8);
  let i = 0;
  for (const it of items) {
    if ('label' in it) continue;
    const rel = (l?: string) => (l === undefined ? 0 : at.get(l)! - i - 1);
    const jt = it.code === JA ? 0 : rel(it.jt), jf = rel(it.jf);
    if (jt > 255 || jf > 255) throw new RuntsError('runtime', 'seccomp: the -ENOSYS stub needs a jump longer than 255');
    out.writeUInt16LE(it.code, i * 8);
    out.writeUInt8(jt, i * 8 + 2);
    out.writeUInt8(jf, i * 8 + 3);
    out.writeUInt32LE((it.code === JA ? rel(it.jt) : it.k) >>> 0, i * 8 + 4);
    i++;
  }
  return out;
}

/** The stub (struct sock_filter[]) to prepend, or an empty buffer when none is wanted. */
export function enosysStub(p: Profile): Buffer {
  if (PERMISSIVE_ACTIONS.has(p.defaultName)) return Buffer.alloc(0);
  if (p.defaultAction === ((ACTIONS.SCMP_ACT_ERRNO | ENOSYS) >>> 0)) return Buffer.alloc(0);
  const archs = archMaxima(p);
  if (!archs.length) return Buffer.alloc(0);
  const items: Item[] = [{ code: LD_W_ABS, k: 4 }];
  for (const a of archs) items.push({ code: JEQ, k: a.audit, jt: `arch-${a.audit}` });
  items.push({ code: JA, k: 0, jt: 'filter' });
  for (const a of archs) items.push(...section(a));
  items.push({ label: 'enosys' }, { code: RET, k: (ACTIONS.SCMP_ACT_ERRNO | ENOSYS) >>> 0 }, { label: 'filter' });
  return assemble(items);
}
