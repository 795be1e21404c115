// The systemd cgroup driver (--systemd-cgroup): the container's cgroup is a transient unit made
// through systemd's D-Bus API, with the resources it has properties for; then, as runc, every
// limit is also written to the unit's cgroup files (the cgroupfs manager on its directories),
// which covers what systemd has no property for. Everything after create (freeze, pids, stats,
// kill) works on those directories. See docs/CGROUPS.md.
import { existsSync, readFileSync } from 'node:fs';
import type { Device, Resources } from '../../spec/types.js';
import { joinCgroup } from '../fs.js';
import { parseSelfCgroup } from '../layout.js';
import { FsManager } from '../manager.js';
import { deviceRules } from '../route.js';
import type { CgroupStats } from '../stats.js';
import type { CgroupManager } from '../types.js';
import { cgroupError } from '../errors.js';
import { deviceProperties, type DeviceHost } from './device-properties.js';
import { v1Properties, v2Properties, type Property } from './properties.js';
import { Systemd } from './systemd.js';
import { unitProperties } from './unit-properties.js';
import type { SystemdUnit } from './unit-name.js';

export interface SystemdOptions {
  unit: string;
  /** A pure cgroup v2 host (runc's unified manager); otherwise v1 properties (runc's legacy one). */
  v2: boolean;
  hugePageSizes: string[];
  specDevices?: Device[];
  /** For a new container: the parsed cgroupsPath, the mounts, the resources, and the unit's
   * properties from annotations (annotations.ts). */
  create?: { unit: SystemdUnit; mounts: Record<string, string>; resources: Resources; extra: Property[] };
}

const hostDevices: DeviceHost = { procDevices: () => readFileSync('/proc/devices', 'utf8'), exists: existsSync };

export class SystemdManager implements CgroupManager {
  private readonly fs: FsManager;
  private readonly sd = new Systemd();
  /** new: nothing made yet; ours: the unit is the container's; foreign: in use by another, never stopped. */
  private state: 'new' | 'ours' | 'foreign';
  private appliedJson?: string;

  constructor(private readonly dirs: Record<string, string>, private readonly o: SystemdOptions) {
    const c = o.create;
    this.state = c ? 'new' : 'ours';
    this.fs = new FsManager(dirs, {
      hugePageSizes: o.hugePageSizes, specDevices: o.specDevices,
      create: c && { mounts: c.mounts, resources: c.resources, explicitPath: true, adopted: true },
    });
  }

  private resourceProperties(r: Resources): Property[] {
    const version = () => this.sd.version();
    return this.o.v2 ? v2Properties(r, version) : v1Properties(r, version);
  }

  /** A unit is started with its first process: restore starts it with criu's (apply), never
   * empty. */
  prepare(): void {
    throw cgroupError('the systemd driver starts a unit with its first process: it cannot be prepared empty');
  }

  apply(pid: number): void {
    const c = this.o.create;
    if (c && this.state === 'new') {
      // With the device properties from the start: on v1 systemd makes the devices cgroup only for a
      // unit that has them, and keeps the init in the slice's otherwise (measured with systemd 252).
      const devices = deviceProperties(deviceRules(c.resources, this.o.specDevices), hostDevices);
      const props = [...unitProperties(c.unit, pid, this.o.v2), ...c.extra, ...this.resourceProperties(c.resources), ...devices];
      try { this.fs.checkUnused(); } catch (e) { this.state = 'foreign'; throw e; }
      this.state = 'ours';
      this.sd.startUnit(this.o.unit, props);
      this.fs.prepare();
      this.appliedJson = JSON.stringify(c.resources);
    }
    this.joinWhereMissing(pid);
  }

  /** systemd moved pid into the hierarchies it manages; the others (v1 cpuset, ...) are runts' to join. */
  private joinWhereMissing(pid: number): void {
    let now: Record<string, string> = {};
    try { now = parseSelfCgroup(readFileSync(`/proc/${pid}/cgroup`, 'utf8')); } catch { /* join everywhere */ }
    for (const [key, dir] of Object.entries(this.dirs)) {
      const cur = now[key];
      if (!cur || cur === '/' || !dir.endsWith(cur)) joinCgroup(dir, pid);
    }
  }

  join(pid: number, sub?: Record<string, string>): void { this.fs.join(pid, sub); }

  /** The exact device rules in the files (systemd's DevicePolicy/DeviceAllow came with the unit). */
  applyDevices(): void {
    if (this.o.create && this.state === 'ours') this.fs.applyDevices();
  }

  /** update: the unit's properties (all: the resources after the update, for values that pair
   * with another: the CPU quota and period, memory and swap), then the files. */
  set(r: Resources, all: Resources = r): void {
    if (this.appliedJson !== undefined && JSON.stringify(r) === this.appliedJson) return; // done by apply()
    const props = this.resourceProperties(paired(r, all));
    const devices = r.devices ? deviceProperties(deviceRules(r, this.o.specDevices), hostDevices) : [];
    this.withFrozenV1(devices.length > 0, () => this.sd.setProperties(this.o.unit, [...devices, ...props]));
    this.fs.set(r);
  }

  /** On v1 systemd rewrites device rules starting from "deny all": runc freezes the container meanwhile. */
  private withFrozenV1(devices: boolean, fn: () => void): void {
    const freeze = devices && !this.o.v2 && !!this.dirs.freezer && !this.fs.frozen();
    if (freeze) { try { this.fs.freeze(); } catch { /* as runc: set the properties anyway */ } }
    try { fn(); } finally { if (freeze) { try { this.fs.thaw(); } catch { /* reported by the next pause/resume */ } } }
  }

  freeze(): void { this.fs.freeze(); }
  thaw(): void { this.fs.thaw(); }
  frozen(): boolean { return this.fs.frozen(); }
  pids(): number[] { return this.fs.pids(); }
  stats(): CgroupStats { return this.fs.stats(); }
  oomCount(): number | undefined { return this.fs.oomCount(); }
  killAll(signal: number): void { this.fs.killAll(signal); }

  /** Stops the unit (waiting for its job; a unit already gone is fine), then removes what is left. */
  destroy(): void {
    if (this.state !== 'ours') return;
    let stopErr: unknown;
    try { if (this.fs.frozen()) this.fs.thaw(); } catch { /* the stop below reports what matters */ }
    try { this.sd.stopUnit(this.o.unit); } catch (e) { stopErr = e; }
    this.fs.destroy();
    this.sd.close();
    if (stopErr) throw stopErr;
  }

  paths(): Record<string, string> { return { ...this.dirs }; }
  unitName(): string { return this.o.unit; }
}

/** r with the CPU quota/period and the memory limit/swap pairs completed from all. */
function paired(r: Resources, all: Resources): Resources {
  const out: Resources = { ...r };
  if (r.cpu && (r.cpu.quota !== undefined || r.cpu.period !== undefined)) {
    out.cpu = { ...r.cpu, quota: all.cpu?.quota ?? r.cpu.quota, period: all.cpu?.period ?? r.cpu.period };
  }
  if (r.memory?.swap !== undefined) out.memory = { ...r.memory, limit: all.memory?.limit ?? r.memory.limit };
  return out;
}
