// v2 freezer: cgroup.freeze 1/0, then cgroup.events "frozen 1"/"frozen 0" polled until reached.
import { hasFile, readOptional, readValue, sleepMs, writeValue } from '../fs.js';
import { cgroupError } from '../errors.js';

function eventsFrozen(dir: string): boolean {
  return /^frozen 1$/m.test(readValue(dir, 'cgroup.events'));
}

function waitFor(dir: string, frozen: boolean, timeoutMs: number): boolean {
  const end = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 10)) {
    if (eventsFrozen(dir) === frozen) return true;
    if (Date.now() > end) return false;
    sleepMs(delay);
  }
}

export function hasFreezerV2(dir: string): boolean {
  return hasFile(dir, 'cgroup.freeze');
}

export function freezeV2(dir: string): void {
  writeValue(dir, 'cgroup.freeze', 1);
  if (waitFor(dir, true, 10_000)) return;
  try { writeValue(dir, 'cgroup.freeze', 0); } catch { /* report the timeout */ }
  throw cgroupError(`freeze ${dir}: cgroup.events did not report "frozen 1" within 10s`);
}

export function thawV2(dir: string): void {
  writeValue(dir, 'cgroup.freeze', 0);
  if (waitFor(dir, false, 2_000)) return;
  throw cgroupError(`thaw ${dir}: cgroup.events still reports "frozen 1" (is a parent cgroup frozen?)`);
}

/** Frozen by its own cgroup.freeze (a frozen parent alone does not count, as runc). */
export function frozenV2(dir: string): boolean {
  if (readOptional(dir, 'cgroup.freeze') !== '1') return false;
  return waitFor(dir, true, 10_000);
}
