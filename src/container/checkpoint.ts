// checkpoint: criu dumps (or pre-dumps) the container's processes into an image directory. A
// dump without --leave-running ends the container (criu kills its processes; runts then removes
// its cgroups and state, as runc); a pre-dump and --leave-running leave it running.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCriu } from '../criu/binary.js';
import { findCriu } from '../criu/find.js';
import { freezeArgs } from '../criu/cgroups.js';
import { writeDescriptors } from '../criu/descriptors.js';
import { dumpExternals } from '../criu/externals.js';
import { criuFlagArgs, type CriuFlags } from '../criu/options.js';
import { RuntsError } from '../errors.js';
import { isWritable } from '../linux/fd.js';
import { destroy } from './destroy.js';
import { errNotRunning } from './errors.js';
import { status } from './status.js';
import { readSaved, stateDir, withLock } from './store.js';

export interface CheckpointOpts extends CriuFlags {
  root: string; id: string; criu?: string;
  imagePath: string; workPath?: string;
  /** a previous (pre-)dump's image, relative to imagePath (criu --prev-images-dir: the image's `parent` link) */
  parentPath?: string;
  leaveRunning: boolean; preDump: boolean;
  /** ADDRESS:PORT of a criu page server that receives the pages */
  pageServer?: string;
  /** with lazyPages: an fd of runts' caller that criu writes \0 to once it serves the pages */
  statusFd?: number;
}

/** Makes the image directory and the work directory (the image's when not given), 0700 as runc. */
export function criuDirs(imagePath: string, workPath?: string): { image: string; work: string } {
  const made = (path: string) => { const dir = resolve(path); mkdirSync(dir, { recursive: true, mode: 0o700 }); return dir; };
  const image = made(imagePath);
  return { image, work: workPath ? made(workPath) : image };
}

/**
 * --page-server ADDRESS:PORT: criu sends the pages there; with --lazy-pages criu itself serves
 * them on PORT once the rest is dumped (criu's RPC, runc's way, uses no address then either).
 */
function pageServerArgs(ps: string | undefined, lazy: boolean): string[] {
  if (!ps) return [];
  const i = ps.lastIndexOf(':');
  if (i < 1 || !/^\d+$/.test(ps.slice(i + 1))) throw new RuntsError('usage', `--page-server ${JSON.stringify(ps)}: want ADDRESS:PORT`);
  const addr = ps.slice(0, i).replace(/^\[(.*)\]$/, '$1'); // [::1]:PORT
  return lazy ? ['--port', ps.slice(i + 1)] : ['--page-server', '--address', addr, '--port', ps.slice(i + 1)];
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

/** criu's options from runts' flags (each checked: bad ones fail before anything is made). */
function flagArgs(o: CheckpointOpts, status: boolean): string[] {
  return [
    ...criuFlagArgs(o), ...(o.parentPath ? ['--prev-images-dir', o.parentPath] : []), ...(o.preDump || o.parentPath ? ['--track-mem'] : []),
    ...(o.leaveRunning && !o.preDump ? ['--leave-running'] : []), ...pageServerArgs(o.pageServer, o.lazyPages),
    ...(status ? ['--status-fd', '3'] : []),
  ];
}

export async function checkpoint(o: CheckpointOpts): Promise<void> {
  const saved = readSaved(o.root, o.id);
  const dir = stateDir(o.root, o.id);
  const st = status(dir, saved);
  if (st !== 'running' && st !== 'paused') throw errNotRunning();
  const bin = findCriu(o.criu);
  const sfd = statusFd(o);
  const flags = flagArgs(o, sfd !== undefined);
  const { image, work } = criuDirs(o.imagePath, o.workPath);
  const args = [o.preDump ? 'pre-dump' : 'dump', '-t', String(saved.pid), '-D', image, '-W', work, '-o', 'dump.log', '-v4', ...flags,
    '--root', saved.rootfs, ...freezeArgs(saved.cgroupPaths ?? {}), ...dumpExternals(saved.spec, saved.pid)];
  writeDescriptors(image, saved.pid);
  const fds = [0, 1, 2, ...(sfd !== undefined ? [sfd] : [])];
  await runCriu(bin, args, fds, join(work, 'dump.log'), o.preDump ? 'pre-dump' : 'checkpoint');
  if (!o.leaveRunning && !o.preDump) withLock(dir, () => destroy(dir, readSaved(o.root, o.id)));
}
