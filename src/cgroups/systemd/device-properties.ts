// Device rules -> DevicePolicy and DeviceAllow, as runc's generateDeviceProperties. systemd only
// knows allow lists, and names devices by path or by group:
//   "c 1:3 rwm"  -> "/dev/char/1:3"   (skipped when neither it nor /sys/dev/char/1:3 exists)
//   "c 136:* rw" -> "char-pts"        (the group /proc/devices names for that major; else skipped)
//   "c *:* m"    -> "char-*"
//   "c *:3 m"    -> skipped (systemd has no form for it)
// A deny-by-default list becomes DevicePolicy=strict with those entries; allow-everything becomes
// DevicePolicy=auto with no entries; any other allow-by-default list cannot be said to systemd and
// becomes strict with no entries. What is skipped is still enforced: the manager writes the exact
// rules to the cgroup files (v1 devices.allow/deny, the v2 eBPF program) right after.
import { DeviceEmulator } from '../devices/emulator.js';
import type { DevRule, DevType } from '../devices/rule.js';
import { prop, type Property } from './properties.js';

export interface DeviceHost {
  /** The text of /proc/devices. */
  procDevices(): string;
  exists(path: string): boolean;
}

const PREFIX: Record<string, string> = { c: 'char-', b: 'block-' };

/** "char-<name>" for the first group /proc/devices lists with this type and major. */
export function deviceGroup(procDevices: string, type: DevType, major: number): string | undefined {
  let cur: string | undefined;
  for (const raw of procDevices.split('\n')) {
    const line = raw.trim();
    if (line === 'Character devices:') cur = 'c';
    else if (line === 'Block devices:') cur = 'b';
    else if (line && cur === type) {
      const m = /^(\d+)\s+(\S+)$/.exec(line);
      if (m && Number(m[1]) === major) return PREFIX[type] + m[2];
    }
  }
  return undefined;
}

function entryPath(e: { type: DevType; major: number; minor: number }, host: DeviceHost, devices: () => string): string | undefined {
  if (e.major < 0) return e.minor < 0 ? PREFIX[e.type] + '*' : undefined;
  if (e.minor < 0) return deviceGroup(devices(), e.type, e.major);
  const path = `/dev/${e.type === 'c' ? 'char' : 'block'}/${e.major}:${e.minor}`;
  return host.exists(path) || host.exists('/sys' + path) ? path : undefined;
}

export function deviceProperties(rules: DevRule[], host: DeviceHost): Property[] {
  const emu = DeviceEmulator.fromRules(rules);
  if (emu.defaultAllow) {
    const all = emu.exceptions.size === 0;
    return [prop('DevicePolicy', 's', all ? 'auto' : 'strict'), prop('DeviceAllow', 'a(ss)', [])];
  }
  let text: string | undefined;
  const devices = () => (text ??= host.procDevices());
  const allow: [string, string][] = [];
  for (const e of emu.sorted()) {
    const path = entryPath(e, host, devices);
    if (path) allow.push([path, e.access]);
  }
  // DeviceAllow adds to the unit's list; the empty one first clears it (for update).
  return [prop('DevicePolicy', 's', 'strict'), prop('DeviceAllow', 'a(ss)', []), prop('DeviceAllow', 'a(ss)', allow)];
}
