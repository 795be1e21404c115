// A model of the v1 devices cgroup: a default (allow all, or deny all) plus exceptions, updated
// rule by rule the way the kernel updates it. Used to
//  - compute the fewest writes that take a live cgroup from its devices.list to the target
//    (no "deny everything" moment unless the default must change), and
//  - give the cgroup v2 eBPF program the same meaning as the v1 rules.
// Deviation from the kernel, as runc: removing part of a wildcard exception is an error, because
// v1 silently ignores it and the container would keep access it was meant to lose.
import { ACCESS_ALL, normAccess, parseListLine, type DevRule, type DevType } from './rule.js';
import { cgroupError } from '../errors.js';

const key = (t: DevType, major: number, minor: number) => `${t}:${major}:${minor}`;

function parseKey(k: string): { type: DevType; major: number; minor: number } {
  const [t, a, b] = k.split(':');
  return { type: t as DevType, major: Number(a), minor: Number(b) };
}

const union = (a: string, b: string) => normAccess(a + b);
const minus = (a: string, b: string) => [...a].filter((c) => !b.includes(c)).join('');
const overlap = (a: string, b: string) => [...a].some((c) => b.includes(c));

export class DeviceEmulator {
  /** true: everything is allowed except the exceptions (v1 "blacklist"); false: the reverse. */
  defaultAllow = false;
  readonly exceptions = new Map<string, string>();

  apply(r: DevRule): void {
    if (r.type === 'a') { this.defaultAllow = r.allow; this.exceptions.clear(); return; }
    // An allow rule adds an exception to a deny-all cgroup and removes one from an allow-all cgroup.
    if (r.allow !== this.defaultAllow) this.add(r);
    else this.remove(r);
  }

  private add(r: DevRule): void {
    const k = key(r.type, r.major, r.minor);
    this.exceptions.set(k, union(this.exceptions.get(k) ?? '', r.access));
  }

  private remove(r: DevRule): void {
    const k = key(r.type, r.major, r.minor);
    for (const wk of [key(r.type, -1, r.minor), key(r.type, r.major, -1), key(r.type, -1, -1)]) {
      if (wk === k) continue;
      const perms = this.exceptions.get(wk);
      if (perms && overlap(perms, r.access)) {
        const w = parseKey(wk);
        throw cgroupError(`device rule ${describe(r)} cannot take access away from the wider rule ${describe({ ...w, allow: !r.allow, access: perms })} (the devices cgroup would ignore it)`);
      }
    }
    const left = minus(this.exceptions.get(k) ?? '', r.access);
    if (left) this.exceptions.set(k, left); else this.exceptions.delete(k);
  }

  /** Exceptions sorted by major, minor, type (any = -1 first): a stable order for writing. */
  sorted(): { type: DevType; major: number; minor: number; access: string }[] {
    return [...this.exceptions].map(([k, access]) => ({ ...parseKey(k), access }))
      .sort((a, b) => a.major - b.major || a.minor - b.minor || a.type.localeCompare(b.type));
  }

  static fromRules(rules: DevRule[]): DeviceEmulator {
    const e = new DeviceEmulator();
    for (const r of rules) e.apply(r);
    return e;
  }

  /**
   * From a devices.list: "a *:* rwm" means allow-all (its deny exceptions cannot be read back);
   * otherwise deny-all with the listed allow exceptions.
   */
  static fromList(text: string): DeviceEmulator {
    const e = new DeviceEmulator();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const r = parseListLine(line);
      e.apply(r ?? { allow: true, type: 'a', major: -1, minor: -1, access: ACCESS_ALL });
    }
    return e;
  }

  /** The rules that turn this (current) state into target, least disruptive first-to-last. */
  transition(target: DeviceEmulator): DevRule[] {
    const out: DevRule[] = [];
    let old = this.exceptions;
    // An allow-all cgroup's deny exceptions are unknown, so it is always reset.
    if (this.defaultAllow || this.defaultAllow !== target.defaultAllow) {
      out.push({ allow: target.defaultAllow, type: 'a', major: -1, minor: -1, access: ACCESS_ALL });
      old = new Map();
    }
    const mk = (k: string, access: string, allow: boolean): DevRule => ({ allow, ...parseKey(k), access });
    for (const { type, major, minor } of this.sorted()) {
      const k = key(type, major, minor);
      const dropped = minus(old.get(k) ?? '', target.exceptions.get(k) ?? '');
      if (dropped) out.push(mk(k, dropped, target.defaultAllow));
    }
    // In the rules' order: v1 lists exceptions in the order they were added (runtime-tools
    // reads devices.list back expecting linux.resources.devices first, in the listed order).
    for (const [k, access] of target.exceptions) {
      const gained = minus(access, old.get(k) ?? '');
      if (gained) out.push(mk(k, gained, !target.defaultAllow));
    }
    return out;
  }

  equals(o: DeviceEmulator): boolean {
    if (o.defaultAllow !== this.defaultAllow || o.exceptions.size !== this.exceptions.size) return false;
    for (const [k, v] of this.exceptions) if (o.exceptions.get(k) !== v) return false;
    return true;
  }
}

function describe(r: DevRule): string {
  const n = (x: number) => (x < 0 ? '*' : String(x));
  return `${r.allow ? 'allow' : 'deny'} ${r.type} ${n(r.major)}:${n(r.minor)} ${r.access}`;
}
