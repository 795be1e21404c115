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
  /** an fd of runts' caller that criu writes \0 to once the lazy-pages server is ready */
  statusFd?: number;
}

/** Makes the image directory and the work directory (the image's when not given), 0700 as runc. */
export function criuDirs(imagePath: string, workPath?: string): { image: string; work: string } {
  const made = (path: string) => { const dir = resolve(path); mkdirSync(dir, { recursive: true, mode: 0o700 }); return dir; };
  const image = made(imagePath);
  return { image, work: workPath ? made(workPath) : image };
}

function pageServerArgs(ps: string | undefined): string[] {
  if (!ps) return [];
  const i = ps.lastIndexOf(':');
  if (i < 0 || !/^\d+$/.test(ps.slice(i + 1))) throw new RuntsError('usage', `--page-server ${JSON.stringify(ps)}: want ADDRESS:PORT`);
  return ['--page-server', '--address', ps.slice(0, i), '--port', ps.slice(i + 1)];
}

function dumpArgs(o: CheckpointOpts, pid: number, image: string, work: string, extra: string[]): string[] {
  const parent = o.parentPath ? ['--prev-images-dir', o.parentPath] : [];
  return [
    o.preDump ? 'pre-dump' : 'dump', '-t', String(pid), '-D', image, '-W', work, '-o', 'dump.log', '-v4',
    ...criuFlagArgs(o), ...parent, ...(o.preDump || o.parentPath ? ['--track-mem'] : []),
    ...(o.leaveRunning && !o.preDump ? ['--leave-running'] : []), ...pageServerArgs(o.pageServer), ...extra,
    ...(o.statusFd !== undefined ? ['--status-fd', '3'] : []),
  ];
}

export async function checkpoint(o: CheckpointOpts): Promise<void> {
  const saved = readSaved(o.root, o.id);
  const dir = stateDir(o.root, o.id);
  const st = status(dir, saved);
  if (st !== 'running' && st !== 'paused') throw errNotRunning();
  const bin = findCriu(o.criu);
  const { image, work } = criuDirs(o.imagePath, o.workPath);
  const extra = ['--root', saved.rootfs, ...freezeArgs(saved.cgroupPaths ?? {}), ...dumpExternals(saved.spec, saved.pid)];
  writeDescriptors(image, saved.pid);
  const fds = [0, 1, 2, ...(o.statusFd !== undefined ? [o.statusFd] : [])];
  await runCriu(bin, dumpArgs(o, saved.pid, image, work, extra), fds, join(work, 'dump.log'), o.preDump ? 'pre-dump' : 'checkpoint');
  if (!o.leaveRunning && !o.preDump) withLock(dir, () => destroy(dir, readSaved(o.root, o.id)));
}
