// Argument parsing with the semantics of runc's command line (Go flags): a long option may be
// written -name or --name, options stop at the first positional argument, and an unknown
// option is an error. yargs-parser does the value parsing.
import parser from 'yargs-parser';

export type OptType = 'string' | 'boolean' | 'number' | 'array';
export interface OptDef { type: OptType; alias?: string; default?: unknown; describe?: string }
export type OptSpec = Record<string, OptDef>;

export class UsageError extends Error {}

function lookup(spec: OptSpec, name: string): [string, OptDef] | undefined {
  if (spec[name]) return [name, spec[name]];
  return Object.entries(spec).find(([, d]) => d.alias === name);
}

/** Rewrites -long to --long and checks every option up to the first positional. */
function normalize(argv: string[], spec: OptSpec): string[] {
  const out = [...argv];
  for (let i = 0; i < out.length; i++) {
    const a = out[i];
    if (a === '--' || !a.startsWith('-') || a === '-') break;
    const body = a.replace(/^--?/, '');
    const name = body.split('=')[0];
    const found = lookup(spec, name);
    if (!found) throw new UsageError(`flag provided but not defined: -${name}`);
    out[i] = (name.length === 1 ? '-' : '--') + body;
    // A separate value is joined to its option, so that "-" or "-1" is taken as the value (as Go's flag).
    if (found[1].type !== 'boolean' && !body.includes('=') && i + 1 < out.length) out.splice(i, 2, `${out[i]}=${out[i + 1]}`);
  }
  return out;
}

export interface Parsed { opts: Record<string, unknown>; args: string[] }

export function parseArgs(argv: string[], spec: OptSpec): Parsed {
  const norm = normalize(argv, spec);
  const by = (t: OptType) => Object.keys(spec).filter((k) => spec[k].type === t);
  const r = parser(norm, {
    string: by('string'), boolean: by('boolean'), number: by('number'), array: by('array'),
    alias: Object.fromEntries(Object.entries(spec).filter(([, d]) => d.alias).map(([k, d]) => [k, d.alias!])),
    default: Object.fromEntries(Object.entries(spec).filter(([, d]) => d.default !== undefined).map(([k, d]) => [k, d.default])),
    configuration: {
      'halt-at-non-option': true, 'camel-case-expansion': false, 'short-option-groups': false,
      'dot-notation': false, 'parse-numbers': false, 'parse-positional-numbers': false,
      'boolean-negation': false, 'populate--': false, 'greedy-arrays': false,
    },
  });
  const args = r._.map(String);
  if (args[0] === '--') args.shift();
  for (const [k, d] of Object.entries(spec)) {
    if (d.type === 'number' && r[k] !== undefined && Number.isNaN(r[k])) throw new UsageError(`invalid value for flag -${k}`);
  }
  return { opts: r, args };
}

/** runc's "requires exactly/at least N argument(s)" check. */
export function requireArgs(cmd: string, args: string[], min: number, max = min): void {
  if (args.length >= min && args.length <= max) return;
  const how = min === max ? 'exactly' : args.length < min ? 'a minimum of' : 'a maximum of';
  const n = args.length < min ? min : max;
  throw new UsageError(`"${cmd}" requires ${how} ${n} argument(s)`);
}
