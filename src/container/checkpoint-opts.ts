// The criu_opts of a checkpoint's request (criu's RPC, as runc sends them): the container's init,
// its rootfs, its freezer, its externals, runts' flags. The dirs, runts' fds (criu opens them
// through /proc/<runts' pid>/fd), are the caller's. orphan_pts_master always (as runc): a terminal container's pty
// slave is dumped without its master, which runts' side of the terminal holds.
import { freezeCgroup } from '../criu/cgroups.js';
import { dumpExternals } from '../criu/externals.js';
import { criuFlagOpts, type CriuFlags } from '../criu/options.js';
import type { CriuOpts } from '../criu/rpc-schema.js';
import { RuntsError } from '../errors.js';
import type { Spec } from '../spec/types.js';

export interface DumpFlags extends CriuFlags {
  /** a previous (pre-)dump's image, relative to imagePath (criu's parent_img: the image's `parent` link) */
  parentPath?: string;
  leaveRunning: boolean; preDump: boolean;
  /** ADDRESS:PORT of a criu page server that receives the pages */
  pageServer?: string;
}

/** What of the container the request names: its init, rootfs, config and cgroup dirs. */
export interface Dumped { pid: number; rootfs: string; spec: Spec; cgroupPaths?: Record<string, string> }

/**
 * --page-server ADDRESS:PORT: criu sends the pages there; with --lazy-pages criu itself serves
 * them on PORT once the rest is dumped (and ignores the address).
 */
export function pageServer(ps: string | undefined): CriuOpts['ps'] {
  if (!ps) return undefined;
  const i = ps.lastIndexOf(':');
  if (i < 1 || !/^\d+$/.test(ps.slice(i + 1))) throw new RuntsError('usage', `--page-server ${JSON.stringify(ps)}: want ADDRESS:PORT`);
  return { address: ps.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(ps.slice(i + 1)) }; // [::1]:PORT
}

/** The request's criu_opts but the dirs' fds (the caller's, once it made them): bad flags throw first. */
export function dumpOpts(f: DumpFlags, c: Dumped): Omit<CriuOpts, 'imagesDirFd'> {
  const ext = dumpExternals(c.spec, c.pid);
  return {
    logLevel: 4, logFile: 'dump.log', pid: c.pid, root: c.rootfs,
    notifyScripts: true, orphanPtsMaster: true, ...criuFlagOpts(f),
    leaveRunning: (f.leaveRunning && !f.preDump) || undefined, parentImg: f.parentPath || undefined,
    trackMem: f.preDump || !!f.parentPath || undefined, ps: pageServer(f.pageServer),
    freezeCgroup: freezeCgroup(c.cgroupPaths ?? {}), extMnt: ext.extMnt, external: ext.external,
  };
}
