// A classic BPF interpreter for seccomp programs (the subset seccomp allows: loads from struct
// seccomp_data, ALU, jumps, returns), so unit tests can ask a compiled filter what it does with a
// syscall without loading it.
export interface SeccompData { nr: number; arch: number; args?: bigint[] }

/** struct seccomp_data: int nr, u32 arch, u64 instruction_pointer, u64 args[6] */
function dataWord(d: SeccompData, off: number): number {
  if (off === 0) return d.nr >>> 0;
  if (off === 4) return d.arch >>> 0;
  if (off === 8 || off === 12) return 0;
  const i = (off - 16) >> 3, arg = BigInt.asUintN(64, d.args?.[i] ?? 0n);
  return Number((off - 16) % 8 === 0 ? arg & 0xffffffffn : arg >> 32n);
}

function alu(op: number, a: number, x: number): number {
  switch (op) {
    case 0x00: return (a + x) >>> 0;
    case 0x10: return (a - x) >>> 0;
    case 0x20: return Math.imul(a, x) >>> 0;
    case 0x40: return (a | x) >>> 0;
    case 0x50: return (a & x) >>> 0;
    case 0x60: return (a << x) >>> 0;
    case 0x70: return a >>> x;
    case 0x80: return (-a) >>> 0;
    case 0xa0: return (a ^ x) >>> 0;
    default: throw new Error(`cbpf: ALU op ${op.toString(16)}`);
  }
}

function jump(op: number, a: number, x: number): boolean {
  switch (op) {
    case 0x10: return a === x;
    case 0x20: return a > x;
    case 0x30: return a >= x;
    case 0x40: return (a & x) !== 0;
    default: throw new Error(`cbpf: jump op ${op.toString(16)}`);
  }
}

/** Runs the program; returns the 32-bit action it returns. */
export function runFilter(prog: Buffer, d: SeccompData): number {
  let a = 0, x = 0, pc = 0;
  const mem = new Array<number>(16).fill(0);
  for (let steps = 0; steps < 100_000; steps++) {
    if (pc * 8 >= prog.length) throw new Error('cbpf: ran off the end');
    const code = prog.readUInt16LE(pc * 8), jt = prog[pc * 8 + 2], jf = prog[pc * 8 + 3], k = prog.readUInt32LE(pc * 8 + 4);
    pc++;
    const cls = code & 0x07, src = code & 0x08 ? x : k;
    if (cls === 0x00) a = (code & 0xe0) === 0x20 ? dataWord(d, k) : (code & 0xe0) === 0x60 ? mem[k] : k; // LD
    else if (cls === 0x01) x = (code & 0xe0) === 0x60 ? mem[k] : (code & 0xe0) === 0x20 ? dataWord(d, k) : k; // LDX
    else if (cls === 0x02) mem[k] = a; // ST
    else if (cls === 0x03) mem[k] = x; // STX
    else if (cls === 0x04) a = alu(code & 0xf0, a, src);
    else if (cls === 0x05) pc += (code & 0xf0) === 0x00 ? k : jump(code & 0xf0, a, src) ? jt : jf;
    else if (cls === 0x06) return ((code & 0x18) === 0x10 ? a : k) >>> 0; // RET
    else if (cls === 0x07) { if (code & 0x80) a = x; else x = a; } // MISC: TXA / TAX
  }
  throw new Error('cbpf: no return');
}
