// The devices every container may use, appended after linux.resources.devices (as runc's
// AllowedDevices): mknod of anything, the standard character devices, ptys, the tun device.
import type { Device } from '../../spec/types.js';
import type { DevRule } from './rule.js';

const rwm = (major: number, minor: number, path?: string) => ({ path, rule: { allow: true, type: 'c', major, minor, access: 'rwm' } as DevRule });

const DEFAULTS: { path?: string; rule: DevRule }[] = [
  { rule: { allow: true, type: 'c', major: -1, minor: -1, access: 'm' } },
  { rule: { allow: true, type: 'b', major: -1, minor: -1, access: 'm' } },
  rwm(1, 3, '/dev/null'), rwm(1, 8, '/dev/random'), rwm(1, 7, '/dev/full'), rwm(5, 0, '/dev/tty'),
  rwm(1, 5, '/dev/zero'), rwm(1, 9, '/dev/urandom'),
  rwm(136, -1), // /dev/pts/*
  rwm(5, 2), // /dev/ptmx
  rwm(10, 200), // /dev/net/tun
];

/** The default rules, without those whose device path linux.devices lists itself. */
export function defaultDeviceRules(specDevices: Device[] = []): DevRule[] {
  const listed = new Set(specDevices.map((d) => d.path));
  return DEFAULTS.filter((d) => !d.path || !listed.has(d.path)).map((d) => ({ ...d.rule }));
}
