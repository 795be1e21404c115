// restore: a new container (any id) from the bundle's config, whose processes criu restores from
// an image. runts makes the state dir and the cgroups (limits written) first, the mounts' missing
// mountpoints in the rootfs (restore-mountpoints.ts), binds the rootfs
// on <state dir>/criu-root (criu wants the root to be a mount point, as runc does), and runs
// `criu restore --restore-detached --restore-sibling`: the restored init is runts' own child
// (CLONE_PARENT), in the container's cgroups. state.json then holds its pid and start time: the
// container is an ordinary running one. In the foreground runts waits for it, forwards signals,
// deletes the container and exits with its status, as `run`.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCriu } from '../criu/binary.js';
import { findCriu } from '../criu/find.js';
import { cgroupRootArgs } from '../criu/cgroups.js';
import { inheritPipes } from '../criu/descriptors.js';
import { restoreExternals } from '../criu/externals.js';
import { criuFlagArgs, type CriuFlags } from '../criu/options.js';
import { closeFd } from '../linux/process.js';
import { MNT_DETACH, mount, umount2 } from '../linux/mount.js';
import { loadBundleConfig } from '../spec/load.js';
import { MS } from '../linux/mount-options.js';
import { RuntsError } from '../errors.js';
import type { Spec } from '../spec/types.js';
import type { CgroupManager } from '../cgroups/index.js';
import { createCgroup } from './cgroup.js';
import { criuDirs } from './checkpoint.js';
import { deleteContainer } from './delete.js';
import { killAndReap } from './destroy.js';
import { attach, SignalForwarder } from './foreground.js';
import { actionScript } from './restore-hooks.js';
import { makeMountpoints } from './restore-mountpoints.js';
import { savedDoc, type SavedBase } from './saved-doc.js';
import { makeStateDir, removeStateDir, writeFileAtomic, writeSaved, type Saved } from './store.js';

export interface RestoreOpts extends CriuFlags {
  root: string; id: string; bundle: string; criu?: string; systemdCgroup: boolean;
  imagePath: string; workPath?: string; pidFile?: string; consoleSocket?: string;
  noPivot: boolean; detach: boolean;
}

function checkImage(image: string): void {
  try { statSync(join(image, 'inventory.img')); } catch {
    throw new RuntsError('runtime', `restore: ${image} holds no checkpoint image (no inventory.img)`);
  }
}

function checkTerminal(spec: Spec, o: RestoreOpts): void {
  if (spec.process?.terminal && !o.shellJob) {
    throw new RuntsError('runtime', 'restore of a container with process.terminal needs --shell-job in runts (a new pty master for --console-socket is not supported yet)');
  }
}

/** As runc: prestart and createRuntime hooks once criu has made the namespaces (restore-hooks.ts). */
function hookArgs(spec: Spec, o: RestoreOpts, dir: string): string[] {
  const script = actionScript(spec, o.root, o.id, dir);
  return script ? ['--action-script', script] : [];
}

/** Runs criu restore with the rootfs bound on dir/criu-root; returns the restored init's pid. */
async function criuRestore(o: RestoreOpts, dir: string, spec: Spec, bundle: string, rootfs: string, cg: CgroupManager): Promise<number> {
  const { image, work } = criuDirs(o.imagePath, o.workPath);
  const root = join(dir, 'criu-root'), pidFile = join(dir, 'criu.pid');
  makeMountpoints(rootfs, bundle, spec.mounts ?? []);
  mkdirSync(root, { mode: 0o700 });
  mount(rootfs, root, '', MS.BIND | MS.REC);
  const ext = restoreExternals(spec, bundle, 3);
  try {
    await runCriu(findCriu(o.criu), [
      'restore', '--restore-detached', '--restore-sibling', '-D', image, '-W', work, '-o', 'restore.log', '-v4',
      '--root', root, '--pidfile', pidFile, '--evasive-devices', ...criuFlagArgs(o), ...cgroupRootArgs(cg.paths()),
      ...ext.args, ...inheritPipes(image), ...hookArgs(spec, o, dir),
    ], [0, 1, 2, ...ext.fds], join(work, 'restore.log'), 'restore');
  } finally {
    ext.fds.forEach(closeFd);
    umount2(root, MNT_DETACH);
  }
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!(pid > 0)) throw new RuntsError('runtime', `restore: criu wrote no pid to ${pidFile}`);
  return pid;
}

/** Restores the container; its pid. On any failure nothing is left behind. */
async function restoreContainer(o: RestoreOpts): Promise<Saved> {
  const { spec, rootfs, bundle } = loadBundleConfig(o.bundle);
  checkTerminal(spec, o);
  findCriu(o.criu);
  checkImage(o.imagePath);
  const dir = makeStateDir(o.root, o.id);
  const base: SavedBase = { id: o.id, bundle, rootfs, spec, systemdCgroup: o.systemdCgroup, created: new Date().toISOString() };
  let pid = 0, cgroup: CgroupManager | undefined;
  try {
    const cg = cgroup = createCgroup(o.id, spec, o.systemdCgroup);
    const doc = (p: number, creating: boolean): Saved => savedDoc(base, cg, p, creating);
    writeSaved(dir, doc(0, true)); // before anything is made: delete --force finds it after a crash
    cg.prepare();
    cg.applyDevices();
    pid = await criuRestore(o, dir, spec, bundle, rootfs, cg);
    writeSaved(dir, doc(pid, true));
    cg.apply(pid); // already there (criu put it): only checks it
    const saved = doc(pid, false);
    writeSaved(dir, saved);
    if (o.pidFile) writeFileAtomic(o.pidFile, String(pid), 0o644);
    return saved;
  } catch (e) {
    if (pid) killAndReap(pid);
    try { cgroup?.destroy(); } catch { /* the first error is the one to report */ }
    removeStateDir(dir);
    throw e;
  }
}

export async function restore(o: RestoreOpts): Promise<number> {
  const signals = o.detach ? undefined : new SignalForwarder();
  const saved = await restoreContainer(o);
  if (!signals) return 0;
  const status = await attach(signals, saved.pid, saved.startTime);
  deleteContainer(o.root, o.id, true);
  return status;
}
