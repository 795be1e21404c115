// A checked profile -> classic BPF, through libseccomp: seccomp_init(default action), the
// architectures (the native one stays, as in runc), one seccomp_rule_add_array per rule, then
// seccomp_export_bpf into a memfd, read back. Names libseccomp does not know are skipped, as runc
// does: the kernel or the library is older than the profile.
import { closeSync, fstatSync, readSync } from 'node:fs';
import { errnoText as text } from '../linux/errors.js';
import { FLTATR, NR_SCMP_ERROR, memfdCreate, scmp } from './libseccomp.js';
import type { Cond, Profile, Rule } from '../spec/check/seccomp-profile.js';
import { RuntsError } from '../errors.js';
import { configError } from '../spec/config-error.js';

const EEXIST = 17, MFD_CLOEXEC = 1;
/** runc turns on libseccomp's binary tree above this many rules (it misbehaves with none in 2.5). */
const OPTIMIZE_ABOVE = 32;

const errnoText = (ret: number): string => text(-ret);

function must(ret: number, what: string): void {
  if (ret < 0) throw new RuntsError('runtime', `seccomp: ${what}: ${errnoText(ret)}`);
}

/** struct scmp_arg_cmp[]: u32 arg, u32 op, u64 datum_a, u64 datum_b (MASKED_EQ: a is the mask). */
function packConds(conds: Cond[]): Buffer {
  const b = Buffer.alloc(conds.length * 24);
  conds.forEach((c, i) => {
    b.writeUInt32LE(c.index, i * 24);
    b.writeUInt32LE(c.op, i * 24 + 4);
    b.writeBigUInt64LE(c.a, i * 24 + 8);
    b.writeBigUInt64LE(c.b, i * 24 + 16);
  });
  return b;
}

function addArchs(ctx: unknown, p: Profile): void {
  for (const a of p.archs) {
    const token = scmp.archResolveName(a.name) as number;
    if (!token) throw configError(a.at, `architecture ${a.name} is not known to this libseccomp`);
    const ret = scmp.archAdd(ctx, token) as number;
    if (ret !== -EEXIST) must(ret, `add architecture ${a.name}`);
  }
}

function addRule(ctx: unknown, r: Rule): void {
  const nr = scmp.syscallResolveName(r.name) as number;
  if (nr === NR_SCMP_ERROR) return;
  for (const conds of r.conds) {
    const ret = scmp.ruleAddArray(ctx, r.action, nr, conds.length, conds.length ? packConds(conds) : null) as number;
    if (ret < 0) throw configError(r.at, `error adding seccomp rule for syscall ${r.name}: ${errnoText(ret)}`);
  }
}

function exportBpf(ctx: unknown): Buffer {
  const fd = memfdCreate('runts-seccomp', MFD_CLOEXEC) as number;
  if (fd < 0) throw new RuntsError('runtime', 'seccomp: memfd_create failed');
  try {
    must(scmp.exportBpf(ctx, fd) as number, 'export the filter');
    const out = Buffer.alloc(fstatSync(fd).size);
    for (let off = 0; off < out.length;) off += readSync(fd, out, off, out.length - off, off);
    return out;
  } finally { closeSync(fd); }
}

/** libseccomp's program for the profile (struct sock_filter[]). */
export function libseccompFilter(p: Profile): Buffer {
  const ctx = scmp.init(p.defaultAction);
  if (!ctx) throw new RuntsError('runtime', 'seccomp: seccomp_init failed');
  try {
    must(scmp.attrSet(ctx, FLTATR.API_SYSRAWRC, 1) as number, 'set SCMP_FLTATR_API_SYSRAWRC');
    addArchs(ctx, p);
    if (p.rules.length > OPTIMIZE_ABOVE) scmp.attrSet(ctx, FLTATR.CTL_OPTIMIZE, 2); // best effort, as runc
    for (const r of p.rules) addRule(ctx, r);
    return exportBpf(ctx);
  } finally { scmp.release(ctx); }
}
