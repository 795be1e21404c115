// /proc/self/mountinfo: one entry a mount, with its id and its parent's id.
import { readFileSync } from 'node:fs';

export interface MountInfo { id: number; parent: number; root: string; mountpoint: string; fstype: string }

/** Undoes mountinfo's octal escapes (\040 for a space). */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function readMountinfo(pid: number | 'self' = 'self'): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (dash < 0) continue;
    out.push({
      id: Number(f[0]), parent: Number(f[1]), root: unescapeMountPath(f[3]),
      mountpoint: unescapeMountPath(f[4]), fstype: f[dash + 1],
    });
  }
  return out;
}
