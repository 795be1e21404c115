// Argument parsing with the semantics of runc's command line (Go flags): a long option may be
// written -name or --name, its value =joined or the next argument, options stop at the first
// positional argument (or after "--"), an array option collects every use, and an unknown option
// is an error, each in Go's words. (yargs-parser did this until it was a tenth of a `runts start`.)
import { RuntsError } from '../errors.js';

/** 'number' is an unsigned integer: runc's numeric flags (--preserve-fds) are Go uints; 'int' a
 * signed one (checkpoint's --status-fd, default -1). */
export type OptType = 'string' | 'boolean' | 'number' | 'int' | 'array';
export interface OptDef { type: OptType; alias?: string; default?: unknown; describe?: string }
export type OptSpec = Record<string, OptDef>;

function lookup(spec: OptSpec, name: string): [string, OptDef] | undefined {
  if (spec[name]) return [name, spec[name]];
  return Object.entries(spec).find(([, d]) => d.alias === name);
}

const GO_BOOL: Record<string, boolean> = {
  1: true, t: true, T: true, TRUE: true, true: true, True: true,
  0: false, f: false, F: false, FALSE: false, false: false, False: false,
};

/** What Go's ParseUint and ParseInt take (in decimal). */
const NUMERIC: Partial<Record<OptType, RegExp>> = { number: /^\d+$/, int: /^[+-]?\d+$/ };

/** The value of one use of an option, converted as Go's flag package does. */
function convert(def: OptDef, name: string, value: string | undefined): unknown {
  if (def.type === 'boolean') {
    if (value === undefined) return true;
    if (!(value in GO_BOOL)) throw new RuntsError('usage', `invalid boolean value "${value}" for -${name}: parse error`);
    return GO_BOOL[value];
  }
  if (value === undefined) throw new RuntsError('usage', `flag needs an argument: -${name}`);
  const numeric = NUMERIC[def.type];
  if (numeric && !numeric.test(value)) throw new RuntsError('usage', `invalid value "${value}" for flag -${name}: parse error`);
  return numeric ? Number(value) : value;
}

export interface Parsed { opts: Record<string, unknown>; args: string[] }

/** The defined option an argument names ("-x", "--x", "--x=v"), if any. */
function optionOf(spec: OptSpec, a: string): OptDef | undefined {
  if (!a.startsWith('-') || a === '-' || a === '--') return undefined;
  return lookup(spec, a.replace(/^--?/, '').split('=')[0])?.[1];
}

/**
 * Moves the options that follow positional arguments in front of them, as runc's command line
 * (urfave/cli v1's reorderArgs) does for every command but exec and ps: `update ID --memory 1M`
 * is `update --memory 1M ID`. Only defined options move (with their value when it is the next
 * argument); anything after "--" stays where it is.
 */
export function reorderArgs(argv: string[], spec: OptSpec): string[] {
  const options: string[] = [], rest: string[] = [];
  let valueNext = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], def = optionOf(spec, a);
    if (valueNext && !def) { options.push(a); valueNext = false; continue; }
    if (a === '--') { rest.push(...argv.slice(i)); break; }
    if (def) { options.push(a); valueNext = def.type !== 'boolean' && !a.includes('='); } else rest.push(a);
  }
  return [...options, ...rest];
}

export function parseArgs(argv: string[], spec: OptSpec): Parsed {
  const opts: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(spec)) if (d.default !== undefined) opts[k] = d.default;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const found = lookup(spec, name);
    if (!found) throw new RuntsError('usage', `flag provided but not defined: -${name}`);
    const [key, def] = found;
    let value = eq < 0 ? undefined : body.slice(eq + 1);
    // A separate value is the next argument, whatever it looks like ("-" or "-1"), as in Go.
    if (def.type !== 'boolean' && value === undefined && i + 1 < argv.length) value = argv[++i];
    const v = convert(def, name, value);
    opts[key] = def.type === 'array' ? [...(opts[key] as string[] | undefined ?? []), v] : v;
    if (def.alias) opts[def.alias] = opts[key];
  }
  return { opts, args: argv.slice(i) };
}

/** runc's "requires exactly/at least N argument(s)" check. */
export function requireArgs(cmd: string, args: string[], min: number, max = min): void {
  if (args.length >= min && args.length <= max) return;
  const how = min === max ? 'exactly' : args.length < min ? 'a minimum of' : 'a maximum of';
  const n = args.length < min ? min : max;
  throw new RuntsError('usage', `"${cmd}" requires ${how} ${n} argument(s)`);
}
