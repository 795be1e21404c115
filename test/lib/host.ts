// Host-side helpers for the end-to-end tests: bounded commands, polling, processes found
// through /proc, mounts, and cgroups (v1, v2 or hybrid). Everything is synchronous so that
// a teardown can also run from process.on('exit').
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMountinfo } from '../../src/linux/mountinfo.js';

export interface Result { status: number | null; signal: string | null; stdout: string; stderr: string; argv: string[] }

/** Runs argv under timeout(1) (SIGTERM after `seconds`, SIGKILL 5 s later); stdin is /dev/null unless `input` is given. */
export function run(argv: string[], o: { input?: string | Buffer; seconds?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Result {
  const seconds = o.seconds ?? 60;
  const opts: SpawnSyncOptions = {
    encoding: 'utf8', env: o.env ?? process.env, cwd: o.cwd, maxBuffer: 64 << 20,
    stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: (seconds + 15) * 1000, // a last resort should timeout(1) itself be stuck
  };
  if (o.input !== undefined) opts.input = o.input;
  const full = ['timeout', '-k', '5', String(seconds), ...argv];
  const r = spawnSync(full[0], full.slice(1), opts);
  return {
    status: r.status, signal: r.signal, argv,
    stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') + (r.error ? `\n${r.error.message}` : ''),
  };
}

/** A one-line description of a result for assertion messages. */
export function describe(r: Result): string {
  const cmd = r.argv.join(' ');
  const out = (r.stdout + r.stderr).trim().replace(/\s+/g, ' ').slice(0, 600);
  return `${cmd.length > 200 ? cmd.slice(0, 200) + '...' : cmd} -> ${r.status ?? r.signal}${r.status === 124 ? ' (timed out)' : ''}: ${out}`;
}

/** Single-quotes a word for sh. */
export const shq = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const sleeper = new Int32Array(new SharedArrayBuffer(4));
export function sleepMs(ms: number): void { Atomics.wait(sleeper, 0, 0, ms); }

/** Polls `probe` every `everyMs` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000, everyMs = 50): T {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    sleepMs(everyMs);
  }
}

/** True while pid exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch { return false; }
}

export function cmdline(pid: number): string[] {
  try {
    const a = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (a[a.length - 1] === '') a.pop();
    return a;
  } catch { return []; }
}

/** Live processes whose argv satisfies `match`. */
export function findProcesses(match: (argv: string[]) => boolean): { pid: number; argv: string[] }[] {
  const out: { pid: number; argv: string[] }[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    const argv = cmdline(pid);
    if (argv.length && match(argv) && alive(pid)) out.push({ pid, argv });
  }
  return out;
}

export function killPid(pid: number, sig: NodeJS.Signals = 'SIGKILL'): void {
  try { process.kill(pid, sig); } catch { /* already gone */ }
}

/** The mounts of a process (the host's, for 'self'). */
export const mountinfo = readMountinfo;

/** Host mounts at or below dir, deepest first. */
export function mountsUnder(dir: string): string[] {
  return mountinfo().map((m) => m.mountpoint).filter((p) => p === dir || p.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
}

/** Mount points of every cgroup hierarchy (v1 controllers, named v1 and cgroup2), once each. */
export function cgroupRoots(): { mountpoint: string; fstype: string; superOptions: string }[] {
  const seen = new Set<string>();
  return readMountinfo().filter((m) => (m.fstype === 'cgroup' || m.fstype === 'cgroup2') && !seen.has(m.mountpoint) && seen.add(m.mountpoint))
    .map((m) => ({ mountpoint: m.mountpoint, fstype: m.fstype, superOptions: m.superOptions.join(',') }));
}

export interface ProcCgroups { v1: Map<string, string>; v2?: string }

/** /proc/<pid>/cgroup as controller -> path (v1) and the unified path (v2). */
export function procCgroups(pid: number): ProcCgroups {
  const res: ProcCgroups = { v1: new Map() };
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') res.v2 = m[3];
    else for (const c of m[2].split(',')) res.v1.set(c, m[3]);
  }
  return res;
}

/** Where a controller's files are for a process: the v1 hierarchy if the controller is there, else cgroup2. */
export function controllerDir(pid: number, controller: string): { dir: string; version: 1 | 2 } | undefined {
  const cg = procCgroups(pid);
  const roots = cgroupRoots();
  const v1path = cg.v1.get(controller);
  if (v1path !== undefined) {
    const root = roots.find((r) => r.fstype === 'cgroup' && r.superOptions.split(',').includes(controller));
    if (root) return { dir: join(root.mountpoint, v1path), version: 1 };
  }
  const v2 = roots.find((r) => r.fstype === 'cgroup2');
  if (v2 && cg.v2 !== undefined) {
    const dir = join(v2.mountpoint, cg.v2);
    try {
      if (readFileSync(join(dir, 'cgroup.controllers'), 'utf8').split(/\s+/).includes(controller)) return { dir, version: 2 };
    } catch { /* not there */ }
  }
  return undefined;
}

export function readTrim(path: string): string { return readFileSync(path, 'utf8').trim(); }

/** Every cgroup directory at or below `rel` (e.g. "/ns") in any hierarchy, deepest first. */
export function cgroupDirs(rel: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let st;
    try { st = statSync(d); } catch { return; }
    if (!st.isDirectory()) return;
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    out.push(d);
  };
  for (const r of cgroupRoots()) walk(join(r.mountpoint, rel));
  return out;
}

/** Removes the cgroups at or below rel: thaws, kills what is still inside, then rmdirs. Returns what it found. */
export function removeCgroups(rel: string): { dirs: string[]; pids: number[]; failed: string[] } {
  const dirs = cgroupDirs(rel);
  const pids = new Set<number>();
  for (const d of dirs) {
    if (existsSync(join(d, 'freezer.state'))) try { writeFileSync(join(d, 'freezer.state'), 'THAWED'); } catch { /* */ }
    if (existsSync(join(d, 'cgroup.freeze'))) try { writeFileSync(join(d, 'cgroup.freeze'), '0'); } catch { /* */ }
    try { for (const p of readTrim(join(d, 'cgroup.procs')).split('\n').filter(Boolean)) pids.add(Number(p)); } catch { /* */ }
  }
  for (const p of pids) killPid(p);
  if (pids.size) try { waitFor('processes of leftover cgroups to die', () => [...pids].every((p) => !alive(p)), 5000); } catch { /* reported below */ }
  const failed: string[] = [];
  for (const d of dirs) {
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) {
      try { rmdirSync(d); ok = true; } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') ok = true; else sleepMs(50);
      }
    }
    if (!ok) failed.push(d);
  }
  return { dirs, pids: [...pids], failed };
}

/** The namespace inode link of a process (e.g. "pid:[4026531836]"). */
export function nsLink(pid: number | 'self', ns: string): string {
  try { return readlinkSync(`/proc/${pid}/ns/${ns}`); } catch { return ''; }
}
