// Every message read or written is checked against its line in MESSAGES (protocol/messages.ts):
// no attribute it does not list, every ONE attribute present, no ONE or OPT attribute twice, a
// u32 of 4 bytes and u64s of whole words. native/common.h makes the same checks on the C side.
// decodeBody and encodeBody turn a checked message into its typed body and back.
import { toAttr, valueOf } from './attr.js';
import { RuntsError } from '../errors.js';
import { ATTRS, MESSAGES, MSG, msgName, type Attr, type AttrName, type AttrValue, type Body, type Count, type Message, type MsgName } from './messages.js';

const NAME_OF = new Map<number, AttrName>(Object.entries(ATTRS).map(([name, [id]]) => [id, name as AttrName]));

function rulesOf(kind: number): Record<string, Count> | undefined {
  const name = msgName(kind);
  return name in MESSAGES ? MESSAGES[name as MsgName] : undefined;
}

function sizeError(name: AttrName, len: number): string | undefined {
  const type = ATTRS[name][1];
  if (type === 'u32' && len !== 4) return `attribute ${name} is ${len} bytes, not 4`;
  if (type === 'u64s' && len % 8) return `attribute ${name} is ${len} bytes, not whole u64 words`;
  return undefined;
}

/** The first thing wrong with the message, or undefined. */
export function messageFault(m: Message): string | undefined {
  const rules = rulesOf(m.kind);
  if (!rules) return 'unknown message';
  const seen = new Set<AttrName>();
  for (const a of m.attrs) {
    const name = NAME_OF.get(a.type);
    if (!name || !(name in rules)) return `unknown attribute ${name ?? a.type}`;
    if (seen.has(name) && rules[name] !== 'MANY') return `attribute ${name} given twice`;
    seen.add(name);
    const bad = sizeError(name, a.value.length);
    if (bad) return bad;
  }
  const missing = Object.keys(rules).find((name) => rules[name] === 'ONE' && !seen.has(name as AttrName));
  return missing ? `missing attribute ${missing}` : undefined;
}

/** Throws "protocol: KIND[ from WHO]: what is wrong" for a message MESSAGES does not allow. */
export function checkMessage(m: Message, from?: string): void {
  const fault = messageFault(m);
  if (fault) throw new RuntsError('stage', `protocol: ${msgName(m.kind)}${from ? ` from ${from}` : ''}: ${fault}`);
}

/** The typed body of a checked message of kind `name`. */
export function decodeBody<M extends MsgName>(name: M, m: Message): Body<M> {
  if (m.kind !== MSG[name]) throw new RuntsError('stage', `protocol: expected ${name}, got ${msgName(m.kind)}`);
  const rules: Record<string, Count> = MESSAGES[name];
  const body: Record<string, unknown> = {};
  for (const key of Object.keys(rules)) if (rules[key] === 'MANY') body[key] = [];
  for (const a of m.attrs) {
    const key = NAME_OF.get(a.type)!;
    const v = valueOf(key, a);
    if (rules[key] === 'MANY') (body[key] as unknown[]).push(v); else body[key] = v;
  }
  return body as Body<M>;
}

/** The attributes of a body, in the body's order (lists in their own order). Not for
 * FINALIZE_PLAN, whose hook attributes are grouped per hook: plan.ts builds its list. */
export function encodeBody<M extends MsgName>(name: M, body: Body<M>): Attr[] {
  const attrs: Attr[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (value === undefined) continue;
    const values = MESSAGES[name][key as never] === 'MANY' ? value as unknown[] : [value];
    for (const v of values) attrs.push(toAttr(key as AttrName, v as AttrValue<AttrName>));
  }
  return attrs;
}
