// Writing linux.resources: each setting goes to its v1 controller when that hierarchy is joined,
// else to the cgroup v2 controller when the container's v2 cgroup has it (converting v1 values),
// else it is an error naming the setting and the file. Then devices, then raw unified files.
import type { Device, Resources } from '../spec/types.js';
import { defaultDeviceRules } from './devices/defaults.js';
import { fromSpec, type DevRule } from './devices/rule.js';
import { unsupported, isFileError, cgroupError } from './errors.js';
import { resourceOf } from './resource-names.js';
import { v1Controllers, type V1Controller } from './v1/index.js';
import { setDevicesV1 } from './v1/devices.js';
import { v2Controllers, type V2Controller } from './v2/index.js';
import { controllersOf } from './v2/create.js';
import { setDevicesV2 } from './v2/devices.js';
import { setUnified } from './v2/unified.js';
import { type RuntsError } from '../errors.js';

/** v1 hierarchy -> the v2 controller that takes the same settings. */
const V2_OF: Record<string, string> = { cpuset: 'cpuset', memory: 'memory', cpu: 'cpu', pids: 'pids', blkio: 'io', hugetlb: 'hugetlb', rdma: 'rdma' };

export interface Target {
  dirs: Record<string, string>;
  hugePageSizes: string[];
  rootless: boolean;
  specDevices?: Device[];
}

export interface Placement { v1: V1Controller; dir?: string; v2?: V2Controller; v2dir?: string; available?: boolean }

/** Each controller with where it applies: its v1 directory, or the v2 controller and directory. */
export function plan(t: Target): Placement[] {
  const v2dir = t.dirs[''];
  const avail = v2dir ? controllersOf(v2dir) : [];
  const v2 = new Map(v2Controllers(t.hugePageSizes).map((c) => [c.name, c]));
  return v1Controllers(t.hugePageSizes).map((c) => {
    if (t.dirs[c.name]) return { v1: c, dir: t.dirs[c.name] };
    const v2c = v2dir ? v2.get(V2_OF[c.name] ?? '') : undefined;
    return v2c ? { v1: c, v2: v2c, v2dir, available: avail.includes(v2c.name) } : { v1: c };
  });
}

function missing(t: Target, c: V1Controller, r: Resources): void {
  const want = c.wants?.(r);
  if (!want) return;
  const v2dir = t.dirs[''];
  const name = V2_OF[c.name];
  const onlyV2 = !Object.keys(t.dirs).some((k) => k !== '');
  const why = v2dir && name
    ? `no ${c.name} controller: not mounted as cgroup v1, and ${name} is not in ${v2dir}/cgroup.controllers`
    : `no ${c.name} controller: not mounted as cgroup v1${v2dir ? ', and cgroup v2 has no equivalent' : ''}`;
  throw unsupported(want.resource, onlyV2 && name ? want.v2 : want.v1, why);
}

/** A failed write names the setting as well as the file: "linux.resources.memory.limit: set ...". */
function named(e: unknown): unknown {
  const resource = isFileError(e) ? resourceOf(e.detail.file!) : undefined;
  if (!resource) return e;
  const { code, file, reason } = (e as RuntsError).detail;
  return cgroupError(`${resource}: ${reason}`, { code, file }, e);
}

function setControllers(t: Target, r: Resources): void {
  for (const p of plan(t)) {
    try {
      if (p.dir) p.v1.set?.(p.dir, r);
      else if (p.v2 && p.v2dir && p.available) p.v2.set(p.v2dir, r);
      else missing(t, p.v1, r);
    } catch (e) { throw named(e); }
  }
}

export function deviceRules(r: Resources, specDevices?: Device[]): DevRule[] {
  return [...(r.devices ?? []).map(fromSpec), ...defaultDeviceRules(specDevices)];
}

function setDevices(t: Target, rules: DevRule[]): void {
  try {
    if (t.dirs.devices) setDevicesV1(t.dirs.devices, rules);
    else if (t.dirs['']) setDevicesV2(t.dirs[''], rules);
    else throw cgroupError('cannot set linux.resources.devices (devices.allow): no devices controller on this host');
  } catch (e) {
    if (!t.rootless) throw e; // as runc: device rules are best effort for rootless containers
  }
}

/** Writes every limit of r but the device rules: the controllers, then the raw unified files. */
export function applyLimits(t: Target, r: Resources): void {
  setControllers(t, r);
  if (r.unified && Object.keys(r.unified).length) setUnified(t.dirs[''], t.dirs[''] ? controllersOf(t.dirs['']) : [], r.unified);
}

/** Writes the device rules of r followed by the default ones. */
export function applyDevices(t: Target, r: Resources): void {
  setDevices(t, deviceRules(r, t.specDevices));
}

/** update: the limits, and the device rules when r has them. */
export function applyResources(t: Target, r: Resources): void {
  applyLimits(t, r);
  if (r.devices) applyDevices(t, r);
}
