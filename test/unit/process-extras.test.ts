// The numbers FINALIZE_PLAN carries for the scheduler, I/O priority, CPU affinity, personality
// and memory policy (src/container/process-extras.ts), and the id lists they are made from.
import t from 'tap';
import { idMask, parseIdList } from '../../src/spec/cpu-list.js';
import { processExtraAttrs } from '../../src/container/process-extras.js';
import { ATTR } from '../../src/protocol/messages.js';
import type { Spec } from '../../src/spec/types.js';

const spec = (process: Record<string, unknown>, linux: Record<string, unknown> = {}) =>
  ({ ociVersion: '1.2.0', process: { cwd: '/', user: { uid: 0, gid: 0 }, ...process }, linux }) as unknown as Spec;
const value = (s: Spec, type: number, exec = false) => processExtraAttrs(s, exec).find((a) => a.type === type)?.value;

t.test('id lists as runc reads them', async (t) => {
  t.same(parseIdList('0-3, 7,,', 'x'), [0, 1, 2, 3, 7], 'ranges, spaces, empty elements');
  t.same(parseIdList('', 'x'), []);
  t.throws(() => parseIdList('3-1', 'x'), /invalid range 3-1/);
  t.throws(() => parseIdList('a', 'x'), /"a" is not a number/);
  t.throws(() => parseIdList('65537', 'x'), /values larger than 65536/);
  t.same([...idMask([0, 9, 64])], [0x01, 0x02, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0], 'whole u64 words');
});

t.test('sched_attr: size 56, policy, flags, nice, priority, deadline times', async (t) => {
  const b = value(spec({ scheduler: { policy: 'SCHED_DEADLINE', flags: ['SCHED_FLAG_RESET_ON_FORK', 'SCHED_FLAG_DL_OVERRUN'], runtime: 1, deadline: 2, period: 3 } }), ATTR.SCHED_ATTR)!;
  t.same([b.readUInt32LE(0), b.readUInt32LE(4), Number(b.readBigUInt64LE(8))], [56, 6, 5]);
  t.same([b.readBigUInt64LE(24), b.readBigUInt64LE(32), b.readBigUInt64LE(40)], [1n, 2n, 3n]);
  const n = value(spec({ scheduler: { policy: 'SCHED_OTHER', nice: -5 } }), ATTR.SCHED_ATTR)!;
  t.equal(n.readInt32LE(16), -5, 'a negative nice');
});

t.test('ioprio: class << 13 | priority', async (t) => {
  t.equal(value(spec({ ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 4 } }), ATTR.IO_PRIORITY)!.readUInt32LE(0), 2 << 13 | 4);
});

t.test('execCPUAffinity: for exec only (checked: test/unit/spec-check.test.ts)', async (t) => {
  const s = spec({ execCPUAffinity: { initial: '1', final: '0-1' } });
  t.equal(value(s, ATTR.CPU_AFFINITY_INITIAL), undefined, 'not for the container process');
  t.same([...value(s, ATTR.CPU_AFFINITY_INITIAL, true)!.subarray(0, 1)], [2]);
  t.same([...value(s, ATTR.CPU_AFFINITY_FINAL, true)!.subarray(0, 1)], [3]);
});

t.test('personality and memory policy', async (t) => {
  t.equal(value(spec({}, { personality: { domain: 'LINUX32' } }), ATTR.PERSONALITY)!.readUInt32LE(0), 8);
  const m = value(spec({}, { memoryPolicy: { mode: 'MPOL_INTERLEAVE', nodes: '1', flags: ['MPOL_F_RELATIVE_NODES'] } }), ATTR.MEMORY_POLICY)!;
  t.equal(m.readUInt32LE(0), 3 | 1 << 14, 'mode | flags');
  t.same([...m.subarray(4)], [2, 0, 0, 0, 0, 0, 0, 0], 'the node mask');
  t.equal(value(spec({}, { memoryPolicy: { mode: 'MPOL_LOCAL' } }), ATTR.MEMORY_POLICY)!.length, 4, 'no nodes: no mask');
});
