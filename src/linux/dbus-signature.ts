// D-Bus type signatures: splitting one into its complete types ("sa(sv)" -> "s", "a(sv)").
// Only what sd-bus marshalling in sdbus.ts needs; dict entries ("{sv}") are kept whole.
import { RuntsError } from '../errors.js';

const CLOSE: Record<string, string> = { '(': ')', '{': '}' };

/** The end (exclusive) of the complete type starting at sig[i]. */
function typeEnd(sig: string, i: number): number {
  const c = sig[i];
  if (c === undefined) throw new RuntsError('runtime', `D-Bus signature ${JSON.stringify(sig)}: incomplete type`);
  if (c === 'a') return typeEnd(sig, i + 1);
  const close = CLOSE[c];
  if (!close) return i + 1;
  let j = i + 1;
  while (sig[j] !== close) {
    if (j >= sig.length) throw new RuntsError('runtime', `D-Bus signature ${JSON.stringify(sig)}: unclosed ${c}`);
    j = typeEnd(sig, j);
  }
  return j + 1;
}

/** The complete types of sig, in order. */
export function completeTypes(sig: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < sig.length; i = typeEnd(sig, i)) out.push(sig.slice(i, typeEnd(sig, i)));
  return out;
}
