// Helpers of the cgroup tests: a container created with some linux.resources, the cgroup files
// of its init read back through /proc/<pid>/cgroup, and the directories a cgroupsPath resolves
// to in every hierarchy (to check that nothing is left after a failed create or a delete).
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Resources, Spec } from '../../src/spec/types.js';
import { cgroupRoots, controllerDir, procCgroups } from '../lib/host.js';
import { SYSTEMD_CGROUP, systemdScope, type Harness, type Result } from '../lib/runtime.js';
import type { Test } from 'tap';

export interface Created { id: string; pid: number; r: Result }

/** create (not start) a container running `args` with `res` merged into linux.resources. */
export function createWith(h: Harness, res: Resources, args: string[] = ['hold'], edit?: (s: Spec) => void): Created {
  const b = h.bundle(args, (s) => { Object.assign(s.linux!.resources ??= {}, res); edit?.(s); });
  const id = h.id();
  const r = h.rt(['create', '--bundle', b.dir, id]);
  return { id, r, pid: r.status === 0 ? h.state(id)!.pid : 0 };
}

/** The text of a cgroup file of pid's controller, or undefined when the controller or file is missing. */
export function cgFile(pid: number, controller: string, file: string): string | undefined {
  const d = controllerDir(pid, controller);
  if (!d) return undefined;
  try { return readFileSync(join(d.dir, file), 'utf8').trim(); } catch { return undefined; }
}

/** pid's directory in the cgroup2 hierarchy, if the host has one. */
export function unifiedDir(pid: number): string | undefined {
  const v2 = cgroupRoots().find((r) => r.fstype === 'cgroup2');
  const rel = procCgroups(pid).v2;
  return v2 && rel !== undefined ? join(v2.mountpoint, rel) : undefined;
}

/** Whether a cgroup v2 mount exists and its root offers controller. */
export function unifiedHas(controller: string): boolean {
  const v2 = cgroupRoots().find((r) => r.fstype === 'cgroup2');
  if (!v2) return false;
  try { return readFileSync(join(v2.mountpoint, 'cgroup.controllers'), 'utf8').split(/\s+/).includes(controller); } catch { return false; }
}

/**
 * Where a cgroupsPath (or, without one, the id) resolves in every hierarchy for a runtime started
 * from this process: absolute below each mount; relative below this process's own cgroup (v1) or
 * the parent of its cgroup (v2), as runc does. Under the systemd driver (CGROUP_DRIVER=systemd),
 * the scope in system.slice that the path or id names (systemdScope).
 */
export function expectedDirs(path: string): Record<string, string> {
  const own = procCgroups(process.pid);
  const out: Record<string, string> = {};
  for (const r of cgroupRoots()) {
    const v2 = r.fstype === 'cgroup2';
    const key = v2 ? '' : r.superOptions.split(',').find((o) => own.v1.has(o))!;
    if (key === undefined) continue;
    if (SYSTEMD_CGROUP) { out[key] = posix.join(r.mountpoint, systemdScope(path)); continue; }
    const base = path.startsWith('/') ? '/' : v2 ? posix.dirname(own.v2 ?? '/') : own.v1.get(key)!;
    out[key] = posix.join(r.mountpoint, base, path);
  }
  return out;
}

/** The container's path in each hierarchy, as /proc/<pid>/cgroup shows it ("" for cgroup2). */
export function cgroupPathsOf(pid: number): Record<string, string> {
  const cg = procCgroups(pid);
  return { ...Object.fromEntries(cg.v1), ...(cg.v2 !== undefined ? { '': cg.v2 } : {}) };
}

/** The directories of `dirs` that still exist. */
export function existing(dirs: Record<string, string> | string[]): string[] {
  return Object.values(dirs).filter((d) => existsSync(d));
}


/** An assertion skipped for a reason (the host lacks something, or runc 1.1.5 differs). */
export function skip(t: Test, why: string): void {
  t.pass('assertion skipped', { skip: why });
}

/** Removes the cgroup directories a cgroupsPath resolves to, and their sub-cgroups (test clean-up). */
export function removePath(path: string): void {
  const rm = (d: string): void => {
    let subs: string[];
    try { subs = readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name); } catch { return; }
    for (const s of subs) rm(join(d, s));
    try { rmdirSync(d); } catch { /* reported by the leftover check */ }
  };
  for (const d of Object.values(expectedDirs(path))) rm(d);
}
