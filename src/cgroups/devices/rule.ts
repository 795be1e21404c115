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

const number = (v: number | null | undefined) => (v === undefined || v === null ? -1 : v);

/** A rule of linux.resources.devices, checked by src/spec/check/device-rules.ts. */
export function fromSpec(d: DeviceCgroup): DevRule {
  return { allow: !!d.allow, type: (d.type ?? 'a') as DevType, major: number(d.major), minor: number(d.minor), access: normAccess(d.access ?? ACCESS_ALL) };
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
