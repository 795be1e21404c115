// The cgroup v2 device filter: a BPF_PROG_TYPE_CGROUP_DEVICE program generated from the device
// rules. The rules are first run through the v1 emulator, so both versions mean the same thing,
// and the program only has to check the exceptions to one default.
//
// Context (struct bpf_cgroup_dev_ctx): u32 access_type (low 16 bits: device type, high 16 bits:
// access), u32 major, u32 minor. Registers: R2 type, R3 access, R4 major, R5 minor. Each
// exception is one block that falls through to the next block on any mismatch:
//   if R2 != type goto next; [if (R3 & access) != R3 goto next]; [if R4 != major goto next];
//   [if R5 != minor goto next]; R0 = verdict; exit
// and the program ends with R0 = default; exit.
import type { DeviceEmulator } from './emulator.js';
import { RuntsError } from '../../errors.js';

const DEV_BLOCK = 1, DEV_CHAR = 2;
const ACC = { m: 1, r: 2, w: 4 } as const;

// Opcodes (class | op | source).
const LDXW = 0x61, AND32_K = 0x54, RSH32_K = 0x74, MOV32_K = 0xb4, MOV32_X = 0xbc, JNE_K = 0x55, JNE_X = 0x5d, EXIT = 0x95;

export interface Insn { code: number; dst: number; src: number; off: number; imm: number }

const I = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });

function accessBits(a: string): number {
  return [...a].reduce((n, c) => n | ACC[c as keyof typeof ACC], 0);
}

/** One exception's block; jumps are to the first instruction after the block. */
function block(type: 'b' | 'c', major: number, minor: number, access: string, verdict: number): Insn[] {
  const body: ((next: number) => Insn)[] = [(n) => I(JNE_K, 2, 0, n, type === 'b' ? DEV_BLOCK : DEV_CHAR)];
  const bits = accessBits(access);
  if (bits !== 7) {
    body.push(() => I(MOV32_X, 1, 3, 0, 0), () => I(AND32_K, 1, 0, 0, bits), (n) => I(JNE_X, 1, 3, n, 0));
  }
  if (major >= 0) body.push((n) => I(JNE_K, 4, 0, n, major));
  if (minor >= 0) body.push((n) => I(JNE_K, 5, 0, n, minor));
  body.push(() => I(MOV32_K, 0, 0, 0, verdict), () => I(EXIT, 0, 0, 0, 0));
  return body.map((f, i) => f(body.length - i - 1));
}

export function deviceFilterInsns(emu: DeviceEmulator): Insn[] {
  const out: Insn[] = [
    I(LDXW, 2, 1, 0, 0), I(AND32_K, 2, 0, 0, 0xffff),
    I(LDXW, 3, 1, 0, 0), I(RSH32_K, 3, 0, 0, 16),
    I(LDXW, 4, 1, 4, 0), I(LDXW, 5, 1, 8, 0),
  ];
  const verdict = emu.defaultAllow ? 0 : 1;
  for (const e of emu.sorted()) out.push(...block(e.type as 'b' | 'c', e.major, e.minor, e.access, verdict));
  out.push(I(MOV32_K, 0, 0, 0, emu.defaultAllow ? 1 : 0), I(EXIT, 0, 0, 0, 0));
  return out;
}

/** struct bpf_insn[]: u8 code, u8 dst:4 | src:4, s16 off, s32 imm (little-endian hosts). */
export function encodeInsns(insns: Insn[]): Buffer {
  const buf = Buffer.alloc(insns.length * 8);
  insns.forEach((x, i) => {
    buf.writeUInt8(x.code, i * 8);
    buf.writeUInt8((x.src << 4) | x.dst, i * 8 + 1);
    buf.writeInt16LE(x.off, i * 8 + 2);
    buf.writeInt32LE(x.imm | 0, i * 8 + 4);
  });
  return buf;
}

/** Runs the program on one device access, as the kernel would (for unit tests). */
export function runFilter(insns: Insn[], type: 'b' | 'c', major: number, minor: number, access: string): number {
  const r = new Array<number>(11).fill(0);
  const ctx = [((accessBits(access) << 16) | (type === 'b' ? DEV_BLOCK : DEV_CHAR)) >>> 0, major >>> 0, minor >>> 0];
  for (let pc = 0; pc < insns.length; pc++) {
    const x = insns[pc];
    switch (x.code) {
      case LDXW: r[x.dst] = ctx[x.off / 4]; break;
      case AND32_K: r[x.dst] = (r[x.dst] & x.imm) >>> 0; break;
      case RSH32_K: r[x.dst] = r[x.dst] >>> x.imm; break;
      case MOV32_K: r[x.dst] = x.imm >>> 0; break;
      case MOV32_X: r[x.dst] = r[x.src] >>> 0; break;
      case JNE_K: if (r[x.dst] !== x.imm >>> 0) pc += x.off; break;
      case JNE_X: if (r[x.dst] !== r[x.src]) pc += x.off; break;
      case EXIT: return r[0];
      default: throw new RuntsError('runtime', `unknown opcode ${x.code}`);
    }
  }
  throw new RuntsError('runtime', 'program ran off its end');
}
