// The cgroupfs manager for v1, v2 and hybrid hosts: one directory per joined hierarchy
// (v1 controller names, and "" for cgroup2), all handled through the same paths map.
import { existsSync, mkdirSync } from 'node:fs';
import { SIGKILL } from '../linux/constants.js';
import type { Device, Resources } from '../spec/types.js';
import { errCode, fileError, causeText, cgroupError } from './errors.js';
import { hasFile, joinCgroup, readPids, removeCgroupDir, sleepMs, writeValue } from './fs.js';
import { applyDevices, applyLimits, applyResources, plan, type Target } from './route.js';
import { emptyStats, shapeStats, type CgroupStats } from './stats.js';
import type { CgroupManager } from './types.js';
import { subCgroupDirs } from './sub.js';
import { createCpuset, fillCpuset } from './v1/cpuset.js';
import { freezeV1, frozenV1, thawV1 } from './v1/freezer.js';
import { oomCountV1 } from './v1/memory.js';
import { createV2 } from './v2/create.js';
import { oomCountV2 } from './v2/memory.js';
import { freezeV2, frozenV2, hasFreezerV2, thawV2 } from './v2/freezer.js';
import { isKind, messageOf } from '../errors.js';


export interface ManagerOptions {
  hugePageSizes: string[];
  /** Set for a new container: mountpoints to create below, and the resources to apply first. */
  create?: {
    mounts: Record<string, string>; resources: Resources; explicitPath: boolean;
    /** The directories were made by systemd with the init in them (checked unused before). */
    adopted?: boolean;
  };
  rootless?: boolean;
  specDevices?: Device[];
}

export class FsManager implements CgroupManager {
  private dirs: Record<string, string>;
  private appliedJson?: string;
  private devicesApplied = false;
  /** The cgroup was found in use by someone else: remove only the directories made here. */
  private foreign = false;
  /** The directories this manager made (they did not exist before apply). */
  private made = new Set<string>();

  constructor(dirs: Record<string, string>, private readonly o: ManagerOptions) {
    this.dirs = { ...dirs };
  }

  private target(): Target {
    return { dirs: this.dirs, hugePageSizes: this.o.hugePageSizes, rootless: !!this.o.rootless, specDevices: this.o.specDevices };
  }

  apply(pid: number): void {
    this.prepare();
    this.join(pid);
  }

  /** For a new container, once: makes the directories, checks they are unused, writes the limits. */
  prepare(): void {
    const c = this.o.create;
    if (!c || this.appliedJson !== undefined) return;
    this.makeDirs(c.mounts, c.explicitPath);
    if (!c.adopted) this.checkUnused();
    applyLimits(this.target(), c.resources);
    this.appliedJson = JSON.stringify(c.resources);
    if (this.dirs.cpuset) fillCpuset(this.dirs.cpuset);
  }

  applyDevices(): void {
    const c = this.o.create;
    if (!c || this.devicesApplied) return;
    applyDevices(this.target(), c.resources);
    this.devicesApplied = true;
  }

  /** Creates every directory; rootless without an explicit path drops hierarchies it may not use. */
  private makeDirs(mounts: Record<string, string>, explicitPath: boolean): void {
    for (const [key, dir] of Object.entries(this.dirs)) {
      if (!existsSync(dir)) this.made.add(dir);
      try {
        if (key === 'cpuset') createCpuset(mounts[key], dir);
        else if (key === '') createV2(mounts[key], dir);
        else {
          try { mkdirSync(dir, { recursive: true }); } catch (e) { throw fileError('create cgroup', dir, e); }
        }
      } catch (e) {
        if (!this.o.rootless || explicitPath || !['EACCES', 'EPERM', 'EROFS'].includes(errCode(e) ?? '')) throw e;
        delete this.dirs[key];
      }
    }
  }

  /** A new container's cgroup must be empty and not frozen (runc 1.2 refuses both; 1.1.5 only warns
   *  of a non-empty one: DEVIATIONS.md); a missing one is. */
  checkUnused(): void {
    if (!existsSync(this.pidDir())) return;
    const n = this.pids().length;
    const why = n ? `is not empty: ${n} process(es) found` : this.frozen() ? 'is frozen' : '';
    if (!why) return;
    this.foreign = true;
    throw cgroupError(`the container's cgroup ${this.pidDir()} ${why}`);
  }

  join(pid: number, sub: Record<string, string> = {}): void {
    let dirs: Record<string, string>;
    try { dirs = subCgroupDirs(this.dirs, sub); } catch (e) { throw cgroupError((e as Error).message); }
    for (const dir of Object.values(dirs)) joinCgroup(dir, pid);
  }

  set(resources: Resources): void {
    if (this.appliedJson !== undefined && JSON.stringify(resources) === this.appliedJson) return; // applied by apply()
    applyResources(this.target(), resources);
  }

  freeze(): void {
    if (this.dirs.freezer) freezeV1(this.dirs.freezer);
    else if (this.dirs[''] && hasFreezerV2(this.dirs[''])) freezeV2(this.dirs['']);
    else throw cgroupError('cannot freeze: the container has no freezer cgroup');
  }

  thaw(): void {
    if (this.dirs.freezer) thawV1(this.dirs.freezer);
    else if (this.dirs[''] && hasFreezerV2(this.dirs[''])) thawV2(this.dirs['']);
    else throw cgroupError('cannot thaw: the container has no freezer cgroup');
  }

  frozen(): boolean {
    if (this.dirs.freezer) return frozenV1(this.dirs.freezer);
    if (this.dirs[''] && hasFreezerV2(this.dirs[''])) return frozenV2(this.dirs['']);
    return false;
  }

  private pidDir(): string {
    return this.dirs.devices ?? this.dirs[''] ?? Object.values(this.dirs)[0];
  }

  pids(): number[] {
    const dir = this.pidDir();
    return dir ? [...new Set(readPids(dir))] : [];
  }

  stats(): CgroupStats {
    const s = emptyStats();
    for (const p of plan(this.target())) {
      if (p.dir) p.v1.stats?.(p.dir, s);
      else if (p.v2 && p.v2dir) p.v2.stats?.(p.v2dir, s);
    }
    return shapeStats(s);
  }

  oomCount(): number | undefined {
    if (this.dirs.memory) return oomCountV1(this.dirs.memory);
    const v2 = this.dirs[''];
    return v2 && hasFile(v2, 'memory.events') ? oomCountV2(v2) : undefined;
  }

  killAll(signal: number): void {
    const v2 = this.dirs[''];
    if (signal === SIGKILL && v2 && hasFile(v2, 'cgroup.kill')) {
      writeValue(v2, 'cgroup.kill', 1);
      if (this.frozen()) this.thaw(); // frozen tasks die only once thawed
      return;
    }
    const wasFrozen = this.frozen();
    if (!wasFrozen) { try { this.freeze(); } catch { /* no freezer: signal them running */ } }
    for (const pid of this.pids()) {
      try { process.kill(pid, signal); } catch (e) { if (errCode(e) !== 'ESRCH') throw e; }
    }
    if (!wasFrozen || signal === SIGKILL) { try { this.thaw(); } catch { /* not frozen by us */ } }
  }

  destroy(): void {
    if (!this.foreign) { try { if (this.frozen()) this.thaw(); } catch { /* removal below reports what matters */ } }
    const mine = Object.values(this.dirs).filter((d) => !this.foreign || this.made.has(d));
    let left = [...new Set(mine)].sort((a, b) => b.length - a.length);
    const deadline = Date.now() + 5000;
    for (let delay = 10; ; delay = Math.min(delay * 2, 100)) {
      let last: unknown;
      left = left.filter((d) => { try { removeCgroupDir(d); return false; } catch (e) { last = e; return true; } });
      if (!left.length) return;
      if (errCode(last) !== 'EBUSY' || Date.now() > deadline) {
        const why = isKind(last, 'cgroup') ? causeText(last.cause) : messageOf(last);
        throw cgroupError(`remove ${left.join(', ')}: ${why}`, { code: errCode(last) }, last);
      }
      sleepMs(delay);
    }
  }

  paths(): Record<string, string> {
    return { ...this.dirs };
  }
}
