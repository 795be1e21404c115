// checkpoint: criu dumps (or pre-dumps) the container's processes into an image directory, through
// criu's RPC (`criu swrk`, src/criu/swrk.ts) as restore and runc. A dump without --leave-running
// ends the container (criu kills its processes; runts then removes its cgroups and state, as
// runc); a pre-dump and --leave-running leave it running. criu's notifications: "status-ready"
// (lazy pages: criu serves the pages) writes \0 to the caller's --status-fd and closes runts'
// copy, as runc; the others are only answered.
import { closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findCriu } from '../criu/find.js';
import { writeDescriptors } from '../criu/descriptors.js';
import { REQ } from '../criu/rpc-schema.js';
import { criuSwrk, type Notify } from '../criu/swrk.js';
import { RuntsError } from '../errors.js';
import { isWritable } from '../linux/fd.js';
import { dumpOpts, type DumpFlags } from './checkpoint-opts.js';
import { destroy } from './destroy.js';
import { errNotRunning } from './errors.js';
import { status } from './status.js';
import { readSaved, stateDir, withLock } from './store.js';

export interface CheckpointOpts extends DumpFlags {
  root: string; id: string; criu?: string;
  imagePath: string; workPath?: string;
  /** with lazyPages: an fd of runts' caller that gets \0 once criu serves the pages */
  statusFd?: number;
}

/** Makes the image directory and the work directory (the image's when not given), 0700 as runc. */
export function criuDirs(imagePath: string, workPath?: string): { image: string; work: string } {
  const made = (path: string) => { const dir = resolve(path); mkdirSync(dir, { recursive: true, mode: 0o700 }); return dir; };
  const image = made(imagePath);
  return { image, work: workPath ? made(workPath) : image };
}

/** The caller's --status-fd when it counts (with --lazy-pages, as runc), checked: open for writing. */
function statusFd(o: CheckpointOpts): number | undefined {
  const fd = o.statusFd;
  if (!o.lazyPages || fd === undefined || fd < 0) return undefined;
  let writable: boolean;
  try { writable = isWritable(fd); } catch (e) {
    throw new RuntsError('usage', `invalid --status-fd argument ${fd}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!writable) throw new RuntsError('usage', `invalid --status-fd argument ${fd}: not writable`);
  return fd;
}

/** The status fd's one use: \0 at "status-ready", then closed (its reader sees the end). */
class StatusFd {
  constructor(private fd?: number) {}
  notify(n: Notify): void {
    if (n.script !== 'status-ready' || this.fd === undefined) return;
    try { writeSync(this.fd, Buffer.alloc(1)); } finally { this.close(); }
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A directory's fd for criu (images_dir_fd, work_dir_fd); close-on-exec as libuv opens all. */
export const openDir = (path: string) => openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);

export async function checkpoint(o: CheckpointOpts): Promise<void> {
  const saved = readSaved(o.root, o.id);
  const dir = stateDir(o.root, o.id);
  const st = status(dir, saved);
  if (st !== 'running' && st !== 'paused') throw errNotRunning();
  const bin = findCriu(o.criu);
  const sfd = new StatusFd(statusFd(o));
  const opts = dumpOpts(o, saved);
  const { image, work } = criuDirs(o.imagePath, o.workPath);
  writeDescriptors(image, saved.pid);
  const dirs: number[] = [];
  try {
    dirs.push(openDir(image), openDir(work));
    await criuSwrk({
      bin, type: o.preDump ? REQ.PRE_DUMP : REQ.DUMP, opts: { ...opts, imagesDirFd: dirs[0], workDirFd: dirs[1] }, fds: [],
      log: join(work, 'dump.log'), what: o.preDump ? 'pre-dump' : 'checkpoint', notify: (n) => sfd.notify(n),
    });
  } finally {
    dirs.forEach((fd) => closeSync(fd));
    sfd.close();
  }
  if (!o.leaveRunning && !o.preDump) withLock(dir, () => destroy(dir, readSaved(o.root, o.id)));
}
