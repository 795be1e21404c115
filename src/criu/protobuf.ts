// The part of protocol buffers' wire format criu's RPC uses (proto2): varints (int32, uint32,
// bool, enum) and length-delimited fields (string, nested message), any of them repeated. A
// message is a plain object; a schema names its fields (number and kind). Decoding skips fields
// the schema does not name, of any wire type, so a newer criu's answers still decode.
import { RuntsError } from '../errors.js';

export type Scalar = 'int32' | 'uint32' | 'bool' | 'string';
export interface Field { n: number; kind: Scalar | Schema; repeated?: boolean }
export type Schema = { [name: string]: Field };
export type Message = { [name: string]: unknown };

const VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

function varint(v: bigint): number[] {
  const out: number[] = [];
  let u = BigInt.asUintN(64, v);
  do {
    const b = Number(u & 0x7fn);
    u >>= 7n;
    out.push(u ? b | 0x80 : b);
  } while (u);
  return out;
}

function scalarBytes(kind: Scalar, v: unknown): { wire: number; bytes: Buffer } {
  if (kind === 'string') return { wire: LEN, bytes: Buffer.from(String(v)) };
  const n = kind === 'bool' ? (v ? 1n : 0n) : BigInt(v as number);
  return { wire: VARINT, bytes: Buffer.from(varint(n)) };
}

function fieldBytes(f: Field, v: unknown): Buffer {
  const { wire, bytes } = typeof f.kind === 'string' ? scalarBytes(f.kind, v) : { wire: LEN, bytes: encode(f.kind, v as Message) };
  const len = wire === LEN ? varint(BigInt(bytes.length)) : [];
  return Buffer.concat([Buffer.from(varint(BigInt((f.n << 3) | wire))), Buffer.from(len), bytes]);
}

/** The wire bytes of msg; fields that are undefined are left out. */
export function encode(schema: Schema, msg: Message): Buffer {
  const parts: Buffer[] = [];
  for (const [name, f] of Object.entries(schema)) {
    const v = msg[name];
    if (v === undefined) continue;
    for (const one of f.repeated ? (v as unknown[]) : [v]) parts.push(fieldBytes(f, one));
  }
  return Buffer.concat(parts);
}

class Reader {
  off = 0;
  constructor(readonly buf: Buffer) {}
  varint(): bigint {
    let v = 0n, shift = 0n;
    for (;;) {
      if (this.off >= this.buf.length) throw new RuntsError('runtime', 'criu rpc: a message ends inside a varint');
      const b = this.buf[this.off++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  }
  bytes(n: number): Buffer {
    if (this.off + n > this.buf.length) throw new RuntsError('runtime', 'criu rpc: a field runs past the end of its message');
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }
  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === I64) this.bytes(8);
    else if (wire === I32) this.bytes(4);
    else if (wire === LEN) this.bytes(Number(this.varint()));
    else throw new RuntsError('runtime', `criu rpc: unknown wire type ${wire}`);
  }
}

function scalarValue(kind: Scalar, v: bigint): unknown {
  if (kind === 'bool') return v !== 0n;
  return kind === 'int32' ? Number(BigInt.asIntN(32, v)) : Number(BigInt.asUintN(32, v));
}

function value(r: Reader, f: Field): unknown {
  if (typeof f.kind !== 'string') return decode(f.kind, r.bytes(Number(r.varint())));
  if (f.kind === 'string') return r.bytes(Number(r.varint())).toString('utf8');
  return scalarValue(f.kind, r.varint());
}

/** The message in buf (the fields schema names; repeated ones as arrays). */
export function decode(schema: Schema, buf: Buffer): Message {
  const byNumber = new Map(Object.entries(schema).map(([name, f]) => [f.n, { name, f }]));
  const msg: Message = {}, r = new Reader(buf);
  while (r.off < buf.length) {
    const tag = Number(r.varint()), wire = tag & 7, known = byNumber.get(tag >>> 3);
    const want = known && (typeof known.f.kind === 'string' && known.f.kind !== 'string' ? VARINT : LEN);
    if (!known || wire !== want) { r.skip(wire); continue; }
    const v = value(r, known.f);
    if (known.f.repeated) ((msg[known.name] ??= []) as unknown[]).push(v);
    else msg[known.name] = v;
  }
  return msg;
}
