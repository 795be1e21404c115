// Attribute values to bytes and back, by the value types of ATTRS (protocol/messages.ts). A
// constructor takes only the attributes of its type: attr.u32(ATTR.SOURCE, 1) does not compile.
import { ATTRS, type Attr, type AttrName, type AttrType, type AttrValue } from './messages.js';

/** The numbers of the attributes whose values are of type T. */
export type AttrOf<T extends AttrType> = { [A in AttrName]: (typeof ATTRS)[A][1] extends T ? (typeof ATTRS)[A][0] : never }[AttrName];

export const attr = {
  u32: (type: AttrOf<'u32'>, v: number): Attr => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return { type, value: b }; },
  u64s: (type: AttrOf<'u64s'>, vs: bigint[]): Attr => {
    const b = Buffer.alloc(8 * vs.length); vs.forEach((v, i) => b.writeBigUInt64LE(BigInt.asUintN(64, v), 8 * i));
    return { type, value: b };
  },
  str: (type: AttrOf<'str'>, s: string): Attr => ({ type, value: Buffer.from(s) }),
  strs: (type: AttrOf<'str'>, ss: readonly string[]): Attr[] => ss.map((s) => attr.str(type, s)),
  bytes: (type: AttrOf<'bytes'>, value: Buffer): Attr => ({ type, value }),
};

/** The attribute's value as its type says (the size of a u32 or u64s is checked by check.ts). */
export function valueOf<A extends AttrName>(name: A, a: Attr): AttrValue<A> {
  const v = a.value;
  switch (ATTRS[name][1]) {
    case 'u32': return v.readUInt32LE(0) as AttrValue<A>;
    case 'str': return v.toString() as AttrValue<A>;
    case 'u64s': return Array.from({ length: v.length / 8 }, (_, i) => v.readBigUInt64LE(8 * i)) as AttrValue<A>;
    default: return v as AttrValue<A>;
  }
}

/** An attribute of the given value (for a typed message body). */
export function toAttr<A extends AttrName>(name: A, value: AttrValue<A>): Attr {
  const type = ATTRS[name][0];
  switch (ATTRS[name][1]) {
    case 'u32': return attr.u32(type as AttrOf<'u32'>, value as number);
    case 'str': return attr.str(type as AttrOf<'str'>, value as string);
    case 'u64s': return attr.u64s(type as AttrOf<'u64s'>, value as bigint[]);
    default: return attr.bytes(type as AttrOf<'bytes'>, value as Buffer);
  }
}
