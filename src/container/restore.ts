// restore: a new container (any id) from the bundle's config, whose processes criu restores from
// an image, through criu's RPC (`criu swrk`, src/criu/swrk.ts), as runc. runts makes the state dir
// and the cgroups (limits written) first, the mounts' missing mountpoints in the rootfs
// (restore-mountpoints.ts), binds the rootfs on <state dir>/criu-root (criu wants the root to be
// a mount point, as runc does), and asks criu to restore with rst_sibling: the restored init is
// runts' own child (CLONE_PARENT), in the container's cgroups: criu itself is put there before it
// restores, as runc's Apply(criu's pid) (with --manage-cgroups-mode ignore criu leaves the
// processes in its own cgroups); with --systemd-cgroup the unit is started with criu's pid. criu's
// notifications: "setup-namespaces" runs the prestart and createRuntime hooks
// (restore-hooks.ts), "orphan-pts-master" sends a terminal's new pty master on
// (restore-console.ts). state.json then holds the init's pid and start time: the container is an
// ordinary running one. In the foreground runts waits for it, forwards signals (and proxies a
// terminal), deletes the container and exits with its status, as `run`.
import { mkdirSync, statSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { findCriu } from '../criu/find.js';
import { cgroupRestoreMounts, cgroupRoots } from '../criu/cgroups.js';
import { inheritPipes } from '../criu/descriptors.js';
import { restoreExternals, type RestoreExternals } from '../criu/externals.js';
import { criuFlagOpts, type CriuFlags } from '../criu/options.js';
import { REQ, type CriuOpts } from '../criu/rpc-schema.js';
import { criuSwrk, type Notify } from '../criu/swrk.js';
import { MNT_DETACH, mount, umount2 } from '../linux/mount.js';
import { loadBundleConfig } from '../spec/load.js';
import { MS } from '../linux/mount-options.js';
import { RuntsError } from '../errors.js';
import type { CgroupManager } from '../cgroups/index.js';
import { createCgroup } from './cgroup.js';
import { criuDirs, openDir } from './checkpoint.js';
import type { ConsoleSocket, ProxyConsole } from './console.js';
import { deleteContainer } from './delete.js';
import { killAndReap, runPoststop } from './destroy.js';
import { attach, SignalForwarder } from './foreground.js';
import { newPtyMaster, openRestoreConsole, sendMaster } from './restore-console.js';
import { runRestoreHooks } from './restore-hooks.js';
import { makeMountpoints } from './restore-mountpoints.js';
import { savedDoc, type SavedBase } from './saved-doc.js';
import { stateDoc } from './status.js';
import { makeStateDir, removeStateDir, writeFileAtomic, writeSaved, type Saved } from './store.js';

export interface RestoreOpts extends CriuFlags {
  root: string; id: string; bundle: string; criu?: string; systemdCgroup: boolean;
  imagePath: string; workPath?: string; pidFile?: string; consoleSocket?: string;
  noPivot: boolean; detach: boolean;
  /** criu's lsm_profile (TYPE:NAME) and lsm_mount_context, as runc's flags */
  lsmProfile?: string; lsmMountContext?: string;
}

function checkImage(image: string): void {
  try { statSync(join(image, 'inventory.img')); } catch {
    throw new RuntsError('runtime', `restore: ${image} holds no checkpoint image (no inventory.img)`);
  }
}

/** The bundle, its config and what restore makes for it before criu runs; hooked: the pid the
 * prestart hooks were given (criu's setup-namespaces), for the poststop hooks of a failure. */
interface Made { base: SavedBase; dir: string; cg: CgroupManager; console?: ConsoleSocket; hooked?: number }

/** What criu's notifications do: the hooks at setup-namespaces, a terminal's new master. */
function notifications(m: Made, saved: Saved): (n: Notify) => void {
  return (n) => {
    if (n.script === 'orphan-pts-master') sendMaster(m.console, n.fds);
    if (n.script !== 'setup-namespaces') return;
    if (!n.pid) throw new RuntsError('runtime', 'restore: criu\'s setup-namespaces notification has no pid');
    m.hooked = n.pid;
    runRestoreHooks(saved, n.pid);
  };
}

/** The restore request's criu_opts: dirs are the image and work dirs' fds, ext the externals. */
function requestOpts(o: RestoreOpts, m: Made, root: string, dirs: number[], ext: RestoreExternals, image: string): CriuOpts {
  return {
    imagesDirFd: dirs[0], workDirFd: dirs[1], logLevel: 4, logFile: 'restore.log', root, rstSibling: true,
    evasiveDevices: true, notifyScripts: true, orphanPtsMaster: newPtyMaster(m.base.spec, o) || undefined, ...criuFlagOpts(o),
    cgRoot: cgroupRoots(m.cg.paths()), extMnt: [...ext.extMnt, ...cgroupRestoreMounts(m.cg.paths(), m.base.spec)], joinNs: ext.joinNs, inheritFd: [...ext.inheritFd, ...inheritPipes(image)],
    lsmProfile: o.lsmProfile || undefined, lsmMountContext: o.lsmMountContext || undefined,
  };
}

/** Runs criu's restore with the rootfs bound on dir/criu-root; returns the restored init's pid. */
async function criuRestore(o: RestoreOpts, m: Made, notify: (n: Notify) => void): Promise<number> {
  const { image, work } = criuDirs(o.imagePath, o.workPath);
  const { spec, bundle, rootfs } = m.base, root = join(m.dir, 'criu-root');
  makeMountpoints(rootfs, bundle, spec.mounts ?? []);
  mkdirSync(root, { mode: 0o700 });
  const ext = restoreExternals(spec, bundle, 4); // criu's fds 0-2 are runts', 3 its socket
  const fds = [...ext.fds];
  let mounted = false;
  try {
    fds.push(openDir(image), openDir(work));
    mount(rootfs, root, '', MS.BIND | MS.REC);
    mounted = true;
    const resp = await criuSwrk({
      bin: findCriu(o.criu), type: REQ.RESTORE, opts: requestOpts(o, m, root, fds.slice(-2), ext, image), fds: ext.fds,
      log: join(work, 'restore.log'), what: 'restore', notify,
      started: (pid) => { if (o.systemdCgroup) { m.cg.apply(pid); m.cg.applyDevices(); } else m.cg.join(pid); },
    });
    const pid = resp.restore?.pid ?? 0;
    if (!(pid > 0)) throw new RuntsError('runtime', 'restore: criu answered without the restored pid');
    return pid;
  } finally {
    fds.forEach((fd) => closeSync(fd));
    if (mounted) umount2(root, MNT_DETACH);
  }
}

/** Restores the container: its saved state, and a foreground terminal's proxy side. On any
 * failure nothing is left behind, and once the prestart hooks ran the poststop hooks run (as
 * after a failed create, and as runc's destroy). */
async function restoreContainer(o: RestoreOpts): Promise<{ saved: Saved; proxy?: ProxyConsole }> {
  const { spec, rootfs, bundle } = loadBundleConfig(o.bundle);
  const console = openRestoreConsole(spec, o); // runc's console rules come first
  let dir: string | undefined, pid = 0, cgroup: CgroupManager | undefined, made: Made | undefined;
  try {
    findCriu(o.criu);
    checkImage(o.imagePath);
    dir = makeStateDir(o.root, o.id);
    const base: SavedBase = { id: o.id, bundle, rootfs, spec, systemdCgroup: o.systemdCgroup, created: new Date().toISOString() };
    const cg = cgroup = createCgroup(o.id, spec, o.systemdCgroup);
    const m: Made = made = { base, dir, cg, console };
    const doc = (p: number, creating: boolean): Saved => savedDoc(base, cg, p, creating);
    writeSaved(dir, doc(0, true)); // before anything is made: delete --force finds it after a crash
    if (!o.systemdCgroup) { cg.prepare(); cg.applyDevices(); } // systemd's unit starts with criu's pid
    pid = await criuRestore(o, m, notifications(m, doc(0, true)));
    writeSaved(dir, doc(pid, true));
    cg.apply(pid); // already there (criu put it): only checks it
    const saved = doc(pid, false);
    writeSaved(dir, saved);
    if (o.pidFile) writeFileAtomic(o.pidFile, String(pid), 0o644);
    return { saved, proxy: console?.receive() };
  } catch (e) {
    if (pid) killAndReap(pid);
    try { cgroup?.destroy(); } catch { /* the first error is the one to report */ }
    // as a failed create once its init existed: the lifecycle goes on with the poststop hooks
    if (made?.hooked) runPoststop(spec, JSON.stringify(stateDoc(savedDoc(made.base, made.cg, made.hooked, false), 'stopped')), bundle);
    if (dir) removeStateDir(dir);
    throw e;
  } finally { console?.close(); }
}

export async function restore(o: RestoreOpts): Promise<number> {
  const signals = o.detach ? undefined : new SignalForwarder();
  const { saved, proxy } = await restoreContainer(o);
  if (!signals) return 0;
  const status = await attach(signals, saved.pid, saved.startTime, proxy);
  deleteContainer(o.root, o.id, true);
  return status;
}
