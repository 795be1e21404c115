// FINALIZE_PLAN attributes for the settings runc 1.2+ applies in its init right before the
// process starts: process.scheduler (sched_setattr), process.ioPriority (ioprio_set),
// process.execCPUAffinity (exec only: the spec does not apply it to the container's init),
// linux.personality and linux.memoryPolicy (create and exec). The values are turned
// into numbers here (src/spec/check has checked them, for create and exec); runts-finalize only
// makes the calls.
import { ATTR } from '../protocol/messages.js';
import { attr, type Attr } from '../protocol/framing.js';
import { MPOL_FLAG, MPOL_MODE } from '../spec/mempolicy.js';
import type { Process, Spec } from '../spec/types.js';
import { idMask, parseIdList } from '../spec/cpu-list.js';

const SCHED_POLICY: Record<string, number> = {
  SCHED_OTHER: 0, SCHED_FIFO: 1, SCHED_RR: 2, SCHED_BATCH: 3, SCHED_ISO: 4, SCHED_IDLE: 5, SCHED_DEADLINE: 6,
};
const SCHED_FLAG: Record<string, bigint> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01n, SCHED_FLAG_RECLAIM: 0x02n, SCHED_FLAG_DL_OVERRUN: 0x04n, SCHED_FLAG_KEEP_POLICY: 0x08n,
  SCHED_FLAG_KEEP_PARAMS: 0x10n, SCHED_FLAG_UTIL_CLAMP_MIN: 0x20n, SCHED_FLAG_UTIL_CLAMP_MAX: 0x40n,
};
const IOPRIO_CLASS: Record<string, number> = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 };
const PERSONALITY: Record<string, number> = { LINUX: 0x0000, LINUX32: 0x0008 };
interface Scheduler {
  policy: string; nice?: number; priority?: number; flags?: string[]; runtime?: number; deadline?: number; period?: number;
}

/** struct sched_attr (size 56: with the two utilization clamps, left 0). */
function schedAttr(s: Scheduler): Attr {
  const b = Buffer.alloc(56);
  b.writeUInt32LE(56, 0);
  b.writeUInt32LE(SCHED_POLICY[s.policy], 4);
  b.writeBigUInt64LE((s.flags ?? []).reduce((f, name) => f | SCHED_FLAG[name], 0n), 8);
  b.writeInt32LE(s.nice ?? 0, 16);
  b.writeUInt32LE(s.priority ?? 0, 20);
  b.writeBigUInt64LE(BigInt(s.runtime ?? 0), 24);
  b.writeBigUInt64LE(BigInt(s.deadline ?? 0), 32);
  b.writeBigUInt64LE(BigInt(s.period ?? 0), 40);
  return attr.bytes(ATTR.SCHED_ATTR, b);
}

/** A CPU list as a mask, or undefined when it is empty (not set, as in runc); the list is a
 * checked one (src/spec/check/process.ts). */
function cpuMask(list: string | undefined, what: string): Buffer | undefined {
  return list ? idMask(parseIdList(list, what)) : undefined;
}

function affinityAttrs(a: Process['execCPUAffinity']): Attr[] {
  const initial = cpuMask(a?.initial, 'bad CPUAffinity.Initial');
  const final = cpuMask(a?.final, 'bad CPUAffinity.Final');
  return [
    ...(initial ? [attr.bytes(ATTR.CPU_AFFINITY_INITIAL, initial)] : []),
    ...(final ? [attr.bytes(ATTR.CPU_AFFINITY_FINAL, final)] : []),
  ];
}

function memoryPolicyAttr(m: { mode: string; nodes?: string; flags?: string[] }): Attr {
  // checked by src/spec/check/memory-policy.ts
  const mode = MPOL_MODE[m.mode];
  const nodes = parseIdList(m.nodes ?? '', `invalid memory policy nodes "${m.nodes}"`);
  const head = Buffer.alloc(4);
  head.writeUInt32LE((m.flags ?? []).reduce((f, name) => f | MPOL_FLAG[name], mode));
  return attr.bytes(ATTR.MEMORY_POLICY, Buffer.concat([head, nodes.length ? idMask(nodes) : Buffer.alloc(0)]));
}

function personalityAttr(p: { domain: string; flags?: string[] }): Attr {
  return attr.u32(ATTR.PERSONALITY, PERSONALITY[p.domain]);
}

/** The attributes for spec's process (the exec'd one in exec, with its fallbacks applied). */
export function processExtraAttrs(spec: Spec, exec: boolean): Attr[] {
  const p = spec.process;
  const linux = spec.linux ?? {};
  const attrs: Attr[] = [];
  if (p?.scheduler) attrs.push(schedAttr(p.scheduler as unknown as Scheduler));
  if (p?.ioPriority) attrs.push(attr.u32(ATTR.IO_PRIORITY, IOPRIO_CLASS[p.ioPriority.class] << 13 | (p.ioPriority.priority ?? 0)));
  if (exec) attrs.push(...affinityAttrs(p?.execCPUAffinity));
  if (linux.personality) attrs.push(personalityAttr(linux.personality));
  if (linux.memoryPolicy) attrs.push(memoryPolicyAttr(linux.memoryPolicy as { mode: string; nodes?: string; flags?: string[] }));
  return attrs;
}
