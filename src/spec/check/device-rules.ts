// linux.resources.devices (device cgroup rules), of config.json or of update's resources: what
// src/cgroups/devices/rule.ts turns into rules. A number of -1 (or none) means any.
import { RuntsError } from '../../errors.js';
import type { DeviceCgroup } from '../types.js';

function checkNumber(v: number | null | undefined, what: string, i: number): void {
  if (v === undefined || v === null || v === -1) return;
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new RuntsError('config', `linux.resources.devices[${i}]: invalid ${what} ${v}`);
}

export function checkDeviceRules(devices: DeviceCgroup[] | undefined): void {
  devices?.forEach((d, i) => {
    if (!['a', 'b', 'c'].includes(d.type ?? 'a')) throw new RuntsError('config', `linux.resources.devices[${i}]: invalid type ${JSON.stringify(d.type)}`);
    if (!/^[rwm]+$/.test(d.access ?? 'rwm')) throw new RuntsError('config', `linux.resources.devices[${i}]: invalid access ${JSON.stringify(d.access)}`);
    checkNumber(d.major, 'major', i);
    checkNumber(d.minor, 'minor', i);
  });
}
