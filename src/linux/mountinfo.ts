// /proc/<pid>/mountinfo: one entry a mount, with its id, its parent's id, options and
// super-block options. The one parser of it in runts (cgroup layout, host mounts) and its tests.
import { readFileSync } from 'node:fs';

export interface MountInfo {
  id: number; parent: number; root: string; mountpoint: string; options: string[];
  /** the optional fields (shared:N, master:N, ...) */
  optional: string[]; fstype: string; source: string; superOptions: string[];
}

/** Undoes mountinfo's octal escapes (\040 for a space). */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountinfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const f = line.slice(0, sep).split(' ');
    const [fstype, source, superOpts] = line.slice(sep + 3).split(' ');
    if (f.length < 6 || fstype === undefined) continue;
    out.push({
      id: Number(f[0]), parent: Number(f[1]), root: unescapeMountPath(f[3]), mountpoint: unescapeMountPath(f[4]),
      options: f[5].split(','), optional: f.slice(6), fstype, source: unescapeMountPath(source ?? ''),
      superOptions: (superOpts ?? '').split(','),
    });
  }
  return out;
}

export function readMountinfo(pid: number | 'self' = 'self'): MountInfo[] {
  return parseMountinfo(readFileSync(`/proc/${pid}/mountinfo`, 'utf8'));
}
