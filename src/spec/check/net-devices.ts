// linux.netDevices (runc 1.4): runc's checks of the devices to move, before anything is made
// (src/container/net-devices.ts moves them).
import { RuntsError } from '../../errors.js';
import type { Spec } from '../types.js';

/** runc's checks, before anything is made. */
export function checkNetDevices(spec: Spec): void {
  const devices = spec.linux?.netDevices;
  if (!devices || !Object.keys(devices).length) return;
  if (!spec.linux?.namespaces?.some((n) => n.type === 'network')) throw new RuntsError('config', 'unable to move network devices without a NET namespace');
  if (process.getuid?.() !== 0) throw new RuntsError('config', 'network devices are not supported for rootless containers');
  for (const [name, d] of Object.entries(devices)) {
    for (const n of [name, d.name]) {
      if (n !== undefined && (n === '' || n === '.' || n === '..' || Buffer.byteLength(n) > 15 || /[/:\s]/.test(n))) {
        throw new RuntsError('config', `invalid network device name ${JSON.stringify(n)}`);
      }
    }
  }
}
