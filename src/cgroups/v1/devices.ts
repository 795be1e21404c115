// v1 devices: move the cgroup from what devices.list says to the target rules with the fewest
// writes (a fresh cgroup: "a" to devices.deny, then each allow), then check devices.list.
import { readValue, writeValue } from '../fs.js';
import { DeviceEmulator } from '../devices/emulator.js';
import { ruleText, type DevRule } from '../devices/rule.js';
import { cgroupError } from '../errors.js';

export function setDevicesV1(dir: string, rules: DevRule[]): void {
  const target = DeviceEmulator.fromRules(rules);
  const current = DeviceEmulator.fromList(readValue(dir, 'devices.list'));
  for (const r of current.transition(target)) writeValue(dir, r.allow ? 'devices.allow' : 'devices.deny', ruleText(r));
  const after = DeviceEmulator.fromList(readValue(dir, 'devices.list'));
  const ok = target.defaultAllow ? after.defaultAllow : after.equals(target);
  if (!ok) throw cgroupError(`set linux.resources.devices in ${dir}: devices.list does not match the rules after writing them`);
}
