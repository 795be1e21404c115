// Creating a cgroup v2 directory: every level from the mount down is made, and every level above
// the leaf delegates all the controllers it has to its children (cgroup.subtree_control), so the
// leaf can use them. A level that cannot delegate (it has processes of its own) is left as it is;
// a setting that needs a missing controller fails later with a clear error.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileError } from '../errors.js';
import { readOptional, writeValue } from '../fs.js';

function delegate(dir: string): void {
  const have = (readOptional(dir, 'cgroup.controllers') ?? '').split(' ').filter(Boolean);
  const on = (readOptional(dir, 'cgroup.subtree_control') ?? '').split(' ').filter(Boolean);
  const missing = have.filter((c) => !on.includes(c));
  if (!missing.length) return;
  try { writeValue(dir, 'cgroup.subtree_control', missing.map((c) => '+' + c).join(' ')); } catch {
    for (const c of missing) { try { writeValue(dir, 'cgroup.subtree_control', '+' + c); } catch { /* see above */ } }
  }
}

export function createV2(mountpoint: string, dir: string): void {
  let cur = mountpoint;
  for (const part of relative(mountpoint, dir).split('/').filter(Boolean)) {
    delegate(cur);
    cur = join(cur, part);
    try { mkdirSync(cur); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError('create cgroup', cur, e);
    }
  }
}

/** The controllers the leaf can use. */
export function controllersOf(dir: string): string[] {
  return (readOptional(dir, 'cgroup.controllers') ?? '').split(' ').filter(Boolean);
}
