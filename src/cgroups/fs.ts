// Plain file I/O on cgroupfs: every write and read names the file and directory on error.
// Writes never create files (cgroupfs files exist or the controller is missing).
import { closeSync, constants, existsSync, openSync, readFileSync, readdirSync, rmdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { causeText, errCode, fileError, cgroupError } from './errors.js';
import { RuntsError } from '../errors.js';

/** 2^64-1 as the kernel prints "max" (a double: it rounds to 2^64); callers treat it as "unlimited". */
export const MAX_U64 = 2 ** 64;

export function writeValue(dir: string, file: string, value: string | number): void {
  const text = String(value);
  let fd = -1;
  try {
    fd = openSync(join(dir, file), constants.O_WRONLY | constants.O_TRUNC);
    writeSync(fd, text);
  } catch (e) {
    throw fileError(`set ${file} to ${oneLine(text)}`, dir, e, '', file);
  } finally { if (fd >= 0) closeSync(fd); }
}

function oneLine(s: string): string {
  return s.length > 60 || s.includes('\n') ? JSON.stringify(s.length > 60 ? s.slice(0, 60) + '...' : s) : s;
}

export function readValue(dir: string, file: string): string {
  try { return readFileSync(join(dir, file), 'utf8').trim(); } catch (e) { throw fileError(`read ${file}`, dir, e); }
}

export function readOptional(dir: string, file: string): string | undefined {
  try { return readFileSync(join(dir, file), 'utf8').trim(); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(`read ${file}`, dir, e);
  }
}

export function hasFile(dir: string, file: string): boolean {
  return existsSync(join(dir, file));
}

/** A cgroup number: "max" is 2^64-1, negative values are 0 (as runc reads them). */
export function parseU64(text: string): number {
  if (text === 'max') return MAX_U64;
  const n = Number(text);
  if (!Number.isFinite(n) || text === '') throw new RuntsError('runtime', `not a number: ${JSON.stringify(text)}`);
  return n < 0 ? 0 : n;
}

export function readU64(dir: string, file: string): number {
  const text = readValue(dir, file);
  try { return parseU64(text); } catch (e) { throw cgroupError(`parse ${file} in ${dir}: ${(e as Error).message}`); }
}

/** "key value" lines (memory.stat, cpu.stat, ...) as a map; unparsable lines are an error. */
export function readKeyValues(dir: string, file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readValue(dir, file).split('\n')) {
    if (!line) continue;
    const [k, v, more] = line.split(' ');
    if (v === undefined || more !== undefined) throw cgroupError(`parse ${file} in ${dir}: malformed line ${JSON.stringify(line)}`);
    out[k] = parseU64(v);
  }
  return out;
}

/** Sleeps the thread (the CLI is short-lived and synchronous). */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Moves pid into the cgroup; retries EINVAL, which a task still in TASK_NEW gives. */
export function joinCgroup(dir: string, pid: number): void {
  for (let i = 0; ; i++) {
    try { writeValue(dir, 'cgroup.procs', pid); return; } catch (e) {
      if (errCode(e) !== 'EINVAL' || i >= 4) throw e;
      sleepMs(30);
    }
  }
}

/** Pids in dir's cgroup.procs, and in every sub-cgroup below it. */
export function readPids(dir: string, out: number[] = []): number[] {
  const text = readOptional(dir, 'cgroup.procs');
  if (text === undefined) return out;
  for (const l of text.split('\n')) if (l) out.push(Number(l));
  for (const d of subdirs(dir)) readPids(join(dir, d), out);
  return out;
}

export function subdirs(dir: string): string[] {
  try { return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name); } catch {
    return [];
  }
}

/** Removes a cgroup directory and its sub-cgroups (deepest first); a missing one is fine. */
export function removeCgroupDir(dir: string): void {
  for (const d of subdirs(dir)) removeCgroupDir(join(dir, d));
  try { rmdirSync(dir); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw cgroupError(`remove ${dir}: ${causeText(e)}`, { code: errCode(e) }, e);
  }
}
