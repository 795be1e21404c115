// Annotations "org.systemd.property.<Name>": extra properties of the unit, as runc takes them.
// The value is GVariant text; runts reads the forms runc's users write: true/false, 'string' or
// "string", integers (int32 unless typed), floats (double), a type given as "uint64 N" or "@t N"
// (also int64, uint32, int32, uint16, int16, byte, double, boolean, string), and ['a', 'b'] arrays
// of strings. Anything else is an error naming the annotation. A name ending in a lowercase letter
// and "Sec" (TimeoutStopSec) becomes "...USec" with the value in microseconds, as runc does.
import { prop, type Property } from './properties.js';
import { cgroupError } from '../errors.js';
import { RuntsError } from '../../errors.js';

const PREFIX = 'org.systemd.property.';
const TYPES: Record<string, string> = {
  uint64: 't', int64: 'x', uint32: 'u', int32: 'i', uint16: 'q', int16: 'n', byte: 'y', double: 'd', boolean: 'b', string: 's',
};
const NUMERIC = 'txuiqnyd';

function parseString(v: string): string | undefined {
  const m = /^(['"])((?:\\.|(?!\1).)*)\1$/.exec(v);
  return m ? m[2].replace(/\\(.)/g, '$1') : undefined;
}

function typed(sig: string, v: string): unknown {
  if (sig === 's') { const s = parseString(v); if (s !== undefined) return s; throw new RuntsError('config', `not a string: ${v}`); }
  if (sig === 'b') { if (v === 'true' || v === 'false') return v === 'true'; throw new RuntsError('config', `not a boolean: ${v}`); }
  if (sig === 'd') { if (/^-?\d+(\.\d*)?([eE][-+]?\d+)?$/.test(v)) return Number(v); throw new RuntsError('config', `not a number: ${v}`); }
  if (!/^-?\d+$/.test(v)) throw new RuntsError('config', `not an integer: ${v}`);
  return sig === 't' || sig === 'x' ? BigInt(v) : Number(v);
}

/** GVariant text -> signature and value (the subset above). */
export function parseVariant(text: string): { sig: string; value: unknown } {
  const v = text.trim();
  const t = /^(?:@([a-z])|(uint64|int64|uint32|int32|uint16|int16|byte|double|boolean|string))\s+(.+)$/.exec(v);
  if (t) { const sig = t[1] ?? TYPES[t[2]]; return { sig, value: typed(sig, t[3].trim()) }; }
  if (v === 'true' || v === 'false') return { sig: 'b', value: v === 'true' };
  const s = parseString(v);
  if (s !== undefined) return { sig: 's', value: s };
  if (/^-?\d+$/.test(v)) return { sig: 'i', value: Number(v) };
  if (/^-?\d+\.\d*([eE][-+]?\d+)?$/.test(v)) return { sig: 'd', value: Number(v) };
  const a = /^\[(.*)\]$/.exec(v);
  if (a) {
    const items = a[1].trim() ? a[1].split(',').map((x) => parseString(x.trim())) : [];
    if (items.every((x) => x !== undefined)) return { sig: 'as', value: items };
  }
  throw new RuntsError('config', `unsupported GVariant text ${JSON.stringify(v)} (runts reads booleans, strings, numbers, typed numbers and string arrays)`);
}

function toUSec(x: { sig: string; value: unknown }): { sig: string; value: unknown } {
  if (!NUMERIC.includes(x.sig)) throw new RuntsError('config', 'not a number');
  const n = x.value;
  return { sig: 't', value: typeof n === 'bigint' ? n * 1000000n : BigInt(Math.trunc(Number(n) * 1000000)) };
}

export function annotationProperties(annotations: Record<string, string> = {}): Property[] {
  const out: Property[] = [];
  for (const [k, text] of Object.entries(annotations)) {
    if (!k.startsWith(PREFIX)) continue;
    let name = k.slice(PREFIX.length);
    if (name.length < 3) throw cgroupError(`annotation ${k} name incorrect: too short`);
    if (!/^[A-Za-z]+$/.test(name)) throw cgroupError(`annotation ${k} name incorrect: contains non-alphabetic character`);
    let value: { sig: string; value: unknown };
    try {
      value = parseVariant(text);
      if (/[a-z]Sec$/.test(name)) { name = name.slice(0, -3) + 'USec'; value = toUSec(value); }
    } catch (e) { throw cgroupError(`annotation ${k}=${text} value parse error: ${(e as Error).message}`); }
    out.push(prop(name, value.sig, value.value));
  }
  return out;
}
