// v1 freezer: freezer.state FROZEN / THAWED, polled until the kernel reports the state.
// Freezing can stall (a task in an uninterruptible sleep); as runc, every 50 tries the cgroup is
// thawed for a moment and frozen again, and after 1000 it gives up and thaws.
import { readOptional, readValue, sleepMs, writeValue } from '../fs.js';
import { cgroupError } from '../errors.js';

const STATE = 'freezer.state';

export function freezeV1(dir: string): void {
  try {
    for (let i = 0; i < 1000; i++) {
      if (i % 50 === 49) { writeValue(dir, STATE, 'THAWED'); sleepMs(10); }
      writeValue(dir, STATE, 'FROZEN');
      if (i % 25 === 24) sleepMs(1);
      const st = readValue(dir, STATE);
      if (st === 'FROZEN') return;
      if (st !== 'FREEZING') throw cgroupError(`freeze ${dir}: unexpected ${STATE} ${st}`);
    }
    throw cgroupError(`freeze ${dir}: still FREEZING after 1000 tries`);
  } catch (e) {
    try { writeValue(dir, STATE, 'THAWED'); } catch { /* the first error is the one to report */ }
    throw e;
  }
}

export function thawV1(dir: string): void {
  writeValue(dir, STATE, 'THAWED');
  for (let i = 0; i < 2000; i++) {
    const st = readValue(dir, STATE);
    if (st === 'THAWED') return;
    if (st === 'FROZEN' && readOptional(dir, 'freezer.parent_freezing') === '1') {
      throw cgroupError(`thaw ${dir}: a parent cgroup is frozen`);
    }
    sleepMs(1);
  }
  throw cgroupError(`thaw ${dir}: ${STATE} did not become THAWED`);
}

/** FROZEN only when this cgroup itself was frozen (not only a parent); FREEZING is waited out. */
export function frozenV1(dir: string): boolean {
  for (let i = 0; i < 1000; i++) {
    const st = readOptional(dir, STATE);
    if (st === undefined || st === 'THAWED') return false;
    if (st === 'FROZEN') return readOptional(dir, 'freezer.self_freezing') !== '0';
    sleepMs(1);
  }
  return true;
}
