// Device cgroup rules: the spec's linux.resources.devices entries, normalised, and their text
// form in devices.allow / devices.deny / devices.list ("c 1:3 rwm", "*" for any number).
import type { DeviceCgroup } from '../../spec/types.js';
import { cgroupError } from '../errors.js';

export type DevType = 'a' | 'b' | 'c';

/** major/minor -1 means "any". access is a subset of "rwm", in that order. */
export interface DevRule { allow: boolean; type: DevType; major: number; minor: number; access: string }

export const ACCESS_ALL = 'rwm';

/** Normalises access letters to the order r, w, m; "" when none. */
export function normAccess(a: string): string {
  return [...ACCESS_ALL].filter((c) => a.includes(c)).join('');
}

function number(v: number | null | undefined, what: string, i: number): number {
  if (v === undefined || v === null || v === -1) return -1;
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw cgroupError(`linux.resources.devices[${i}]: invalid ${what} ${v}`);
  return v;
}

export function fromSpec(d: DeviceCgroup, i: number): DevRule {
  const type = (d.type ?? 'a') as DevType;
  if (!['a', 'b', 'c'].includes(type)) throw cgroupError(`linux.resources.devices[${i}]: invalid type ${JSON.stringify(d.type)}`);
  const access = d.access ?? ACCESS_ALL;
  if (!/^[rwm]+$/.test(access)) throw cgroupError(`linux.resources.devices[${i}]: invalid access ${JSON.stringify(d.access)}`);
  return { allow: !!d.allow, type, major: number(d.major, 'major', i), minor: number(d.minor, 'minor', i), access: normAccess(access) };
}

export function ruleText(r: DevRule): string {
  if (r.type === 'a') return 'a *:* rwm';
  const n = (x: number) => (x < 0 ? '*' : String(x));
  return `${r.type} ${n(r.major)}:${n(r.minor)} ${r.access}`;
}

/** Parses a devices.list line; undefined for the "a *:* rwm" (allow everything) line. */
export function parseListLine(line: string): DevRule | undefined {
  const m = /^([abc]) (\*|\d+):(\*|\d+) ([rwm]+)$/.exec(line.trim());
  if (!m) throw cgroupError(`devices.list: malformed line ${JSON.stringify(line)}`);
  if (m[1] === 'a') return undefined;
  const n = (x: string) => (x === '*' ? -1 : Number(x));
  return { allow: true, type: m[1] as DevType, major: n(m[2]), minor: n(m[3]), access: normAccess(m[4]) };
}
