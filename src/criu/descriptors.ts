// descriptors.json in the image (runc's file, same name and form): what the init's fds 0-2 were
// at the checkpoint ("pipe:[N]", a path, ...). A restore hands criu its own fd i for every one that
// was a pipe (inherit-fd), so the restored process writes to the pipes the restore was given (a
// shim's), not to recreated copies of the old ones.
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InheritFd } from './rpc-schema.js';

export const DESCRIPTORS = 'descriptors.json';

export function writeDescriptors(imageDir: string, pid: number): void {
  const fds = [0, 1, 2].map((i) => { try { return readlinkSync(`/proc/${pid}/fd/${i}`); } catch { return '/dev/null'; } });
  writeFileSync(join(imageDir, DESCRIPTORS), JSON.stringify(fds), { mode: 0o600 });
}

/** criu restore's inherit_fd entries (criu's own fd i, runts' fd i); none when the image has no descriptors.json. */
export function inheritPipes(imageDir: string): InheritFd[] {
  let fds: unknown;
  try { fds = JSON.parse(readFileSync(join(imageDir, DESCRIPTORS), 'utf8')); } catch { return []; }
  if (!Array.isArray(fds)) return [];
  return fds.flatMap((d, i) => (typeof d === 'string' && d.includes('pipe:') && i < 3 ? [{ key: d, fd: i }] : []));
}
