// linux.seccomp of config.json, checked and turned into what libseccomp is given. Every error
// names config.json and the JSON path. The rules follow runc's reading of a profile:
// - each name of a syscalls entry is a rule of its own; a rule whose action is the default
//   action is left out (libseccomp refuses it);
// - the conditions of a rule are ANDed, unless two of them test the same argument: then each
//   condition is a rule of its own (ORed), as runc does;
// - no defaultAction and no syscalls means no filter at all.
import { configError } from '../config-error.js';
import { ACTIONS, ARCHS, ERRNO_ACTIONS, FLAGS, FLAG_NEW_LISTENER, FLAG_WAIT_KILLABLE_RECV, NEWER_ARCHS, OPERATORS, actionValue } from '../seccomp-names.js';

export interface Cond { index: number; op: number; a: bigint; b: bigint }
/** One syscall name: `conds` holds one list of conditions per libseccomp rule (empty: unconditional). */
export interface Rule { name: string; action: number; conds: Cond[][]; at: string }
export interface Profile {
  defaultName: string; defaultAction: number; defaultErrnoRet?: number;
  /** libseccomp's names of the listed architectures, with the JSON path of each */
  archs: { name: string; at: string }[];
  /** config.json's flag names with their paths (absent: runc's default, SPEC_ALLOW if the kernel has it) */
  flagNames?: { name: string; at: string }[];
  /** seccomp(2) flags: the listed ones, and NEW_LISTENER when a rule notifies */
  flags: number;
  /** every syscall name the profile lists, also those left out (the -ENOSYS stub counts them) */
  names: string[];
  rules: Rule[];
}

const BASE = '/linux/seccomp';
const U64_MAX = (1n << 64n) - 1n;

function fail(at: string, msg: string): never {
  throw configError(at, msg);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown, at: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(at, 'must be an array');
  return v;
}

function str(v: unknown, at: string): string {
  if (typeof v !== 'string') fail(at, 'must be a string');
  return v;
}

function uint(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(at, 'must be an unsigned integer');
  return v;
}

/** A uint64 from JSON: 18446744073709551615 arrives as the double 2^64 and means the largest value. */
function u64(v: unknown, at: string): bigint {
  const n = BigInt(uint(v, at));
  return n > U64_MAX ? U64_MAX : n;
}

function action(v: unknown, errno: unknown, at: string, errnoAt: string): number {
  const name = str(v, at);
  if (!(name in ACTIONS)) fail(at, `unknown action ${JSON.stringify(name)}`);
  if (errno !== undefined && !ERRNO_ACTIONS.has(name)) fail(errnoAt, `${name} does not take an errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)`);
  return actionValue(name, errno === undefined ? undefined : uint(errno, errnoAt));
}

function condition(v: unknown, at: string): Cond {
  if (!isObject(v)) fail(at, 'must be an object');
  const index = uint(v.index, `${at}/index`);
  if (index > 5) fail(`${at}/index`, `argument index ${index} is out of range: a syscall has 6 arguments (0-5)`);
  const opName = str(v.op, `${at}/op`);
  const op = OPERATORS[opName];
  if (op === undefined) fail(`${at}/op`, `unknown operator ${JSON.stringify(opName)}`);
  const b = v.valueTwo === undefined ? 0n : u64(v.valueTwo, `${at}/valueTwo`);
  return { index, op, a: u64(v.value, `${at}/value`), b };
}

/** runc's grouping: ANDed in one rule, or one rule per condition when an argument repeats. */
function group(conds: Cond[]): Cond[][] {
  if (!conds.length) return [[]];
  const repeats = new Set(conds.map((c) => c.index)).size < conds.length;
  return repeats ? conds.map((c) => [c]) : [conds];
}

function syscallEntry(v: unknown, at: string, p: Profile): void {
  if (!isObject(v)) fail(at, 'must be an object');
  const names = list(v.names, `${at}/names`).map((n, i) => str(n, `${at}/names/${i}`));
  if (!names.length) fail(`${at}/names`, 'must name at least one syscall');
  names.forEach((n, i) => { if (!n) fail(`${at}/names/${i}`, 'empty string is not a valid syscall'); });
  const act = action(v.action, v.errnoRet, `${at}/action`, `${at}/errnoRet`);
  const conds = group(list(v.args, `${at}/args`).map((c, i) => condition(c, `${at}/args/${i}`)));
  p.names.push(...names);
  if (act === ACTIONS.SCMP_ACT_NOTIFY) p.flags |= FLAG_NEW_LISTENER;
  if (act === p.defaultAction) return;
  for (const name of names) p.rules.push({ name, action: act, conds, at });
}

function architecture(v: unknown, at: string): { name: string; at: string } {
  const name = str(v, at);
  const lib = ARCHS[name] ?? NEWER_ARCHS[name];
  if (!lib) fail(at, `unknown architecture ${JSON.stringify(name)}`);
  return { name: lib, at };
}

function flag(v: unknown, at: string): { name: string; at: string } {
  const name = str(v, at);
  if (!(name in FLAGS)) fail(at, `unknown seccomp flag ${JSON.stringify(name)}`);
  return { name, at };
}

/** listenerPath and listenerMetadata are checked here; start and exec read them from the config. */
function listener(s: Record<string, unknown>, p: Profile): void {
  const path = s.listenerPath === undefined ? undefined : str(s.listenerPath, `${BASE}/listenerPath`);
  const metadata = s.listenerMetadata === undefined ? undefined : str(s.listenerMetadata, `${BASE}/listenerMetadata`);
  if (metadata !== undefined && !path) fail(`${BASE}/listenerMetadata`, 'must not be set without listenerPath');
  if ((p.flags & FLAG_NEW_LISTENER) && !path) fail(`${BASE}/listenerPath`, 'is required when a rule uses SCMP_ACT_NOTIFY');
  // runts-finalize reports the listener with write(): the agent could never answer it (runc's rule)
  const write = p.rules.find((r) => r.action === ACTIONS.SCMP_ACT_NOTIFY && r.name === 'write');
  if (write) fail(`${write.at}/action`, 'SCMP_ACT_NOTIFY cannot be used for the write syscall');
}

/** The checked profile, or undefined when the config asks for no filter. */
export function parseProfile(s: unknown): Profile | undefined {
  if (s === undefined) return undefined;
  if (!isObject(s)) fail(BASE, 'must be an object');
  const calls = list(s.syscalls, `${BASE}/syscalls`);
  if ((s.defaultAction === undefined || s.defaultAction === '') && !calls.length) return undefined;
  const defaultAction = action(s.defaultAction, s.defaultErrnoRet, `${BASE}/defaultAction`, `${BASE}/defaultErrnoRet`);
  if (defaultAction === ACTIONS.SCMP_ACT_NOTIFY) fail(`${BASE}/defaultAction`, 'SCMP_ACT_NOTIFY cannot be the default action');
  const flagNames = s.flags === undefined ? undefined : list(s.flags, `${BASE}/flags`).map((f, i) => flag(f, `${BASE}/flags/${i}`));
  const p: Profile = {
    defaultName: s.defaultAction as string, defaultAction,
    defaultErrnoRet: s.defaultErrnoRet as number | undefined,
    archs: list(s.architectures, `${BASE}/architectures`).map((a, i) => architecture(a, `${BASE}/architectures/${i}`)),
    flagNames, flags: 0, names: [], rules: [],
  };
  calls.forEach((c, i) => syscallEntry(c, `${BASE}/syscalls/${i}`, p));
  for (const f of p.flagNames ?? []) p.flags |= FLAGS[f.name];
  // WAIT_KILLABLE_RECV only means something to, and is only accepted with, a listener.
  if (!(p.flags & FLAG_NEW_LISTENER)) p.flags &= ~FLAG_WAIT_KILLABLE_RECV;
  listener(s, p);
  return p;
}

