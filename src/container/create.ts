// create: validate the bundle, make the state dir, run the create protocol, and leave the
// init blocked in runts-finalize; on any failure nothing is left behind.
import { closeSync } from 'node:fs';
import os from 'node:os';
import { listenUnix } from '../linux/fd.js';
import { openConsoleSocket, sizedProcess, type ConsoleSocket, type ProxyConsole } from './console.js';
import { startTime } from '../linux/process.js';
import { loadBundleConfig } from '../spec/load.js';
import { OCI_VERSION } from '../spec/types.js';
import type { CgroupManager } from '../cgroups/index.js';
import { createCgroup } from './cgroup.js';
import { launch, Stages } from './launcher.js';
import { EXEC_SOCK, makeStateDir, removeStateDir, writeFileAtomic, writeSaved, type Saved } from './store.js';
import { killAndReap, runPoststop } from './destroy.js';
import { startFailure } from './errors.js';
import { openPidfdSocket, type PidfdSocket } from './pidfd-socket.js';
import { moveNetDevices } from './net-devices.js';
import { detachRootfsBind, watchRootfsBind } from './host-mounts.js';
import { compileSeccomp } from '../seccomp/index.js';
import { step } from '../engine/trace.js';

export interface CreateOpts {
  root: string; id: string; bundle: string; pidFile?: string; consoleSocket?: string; pidfdSocket?: string;
  noPivot: boolean; noNewKeyring: boolean; preserveFds: number; systemdCgroup: boolean;
  /** `run` without -d: the caller stays attached */
  foreground?: boolean;
}

/** Binds the exec socket in dir with a short relative path (sun_path holds 107 bytes). */
function listenExecSocket(dir: string): number {
  const cwd = process.cwd();
  process.chdir(dir);
  try { return listenUnix(EXEC_SOCK); } finally { process.chdir(cwd); }
}

function setUp<T>(f: () => T): T {
  try { return f(); } catch (e) { throw startFailure(e); }
}

/** The created container; `console` when runts itself holds a foreground terminal's pty. */
export interface Created { saved: Saved; console?: ProxyConsole }

export function create(o: CreateOpts): Created {
  const { spec, rootfs, bundle } = loadBundleConfig(o.bundle);
  const seccomp = compileSeccomp(spec.linux?.seccomp);
  step('config loaded and checked');
  const dir = makeStateDir(o.root, o.id);
  const created = new Date().toISOString();
  const rootfsBind = watchRootfsBind(spec, rootfs);
  let pid = 0, cgroup: CgroupManager | undefined, sock = -1, consoleSock: ConsoleSocket | undefined;
  const stages = new Stages(o.root);
  let pidfdSock: PidfdSocket | undefined;
  try {
    consoleSock = openConsoleSocket(!!spec.process?.terminal, o.consoleSocket, !o.foreground);
    pidfdSock = openPidfdSocket(o.pidfdSocket, 'standard');
    sock = listenExecSocket(dir);
    cgroup = createCgroup(o.id, spec, o.systemdCgroup);
    const cg = cgroup;
    const doc = (p: number, creating: boolean): Saved => ({
      id: o.id, pid: p, startTime: (p && startTime(p)) || '', bundle, rootfs, created, owner: os.userInfo().username, spec,
      cgroupPaths: cg.paths(), systemdCgroup: o.systemdCgroup, systemdUnit: cg.unitName?.(),
      noNewKeyring: o.noNewKeyring, rootfsBind: rootfsBind(), ...(creating ? { creating } : {}),
    });
    // Recorded before anything is made, so that a crash leaves nothing delete --force cannot find.
    writeSaved(dir, doc(0, true));
    step('state dir, sockets, cgroups made');
    pid = setUp(() => launch({
      spec: spec.process && consoleSock ? { ...spec, process: sizedProcess(spec.process, consoleSock) } : spec,
      id: o.id, bundle, rootfs, noPivot: o.noPivot, noNewKeyring: o.noNewKeyring, execSockFd: sock,
      consoleSockFd: consoleSock?.fd, preserveFds: o.preserveFds,
      seccomp,
      stages,
      onInitPid: (p) => {
        pid = p;
        writeSaved(dir, doc(p, true)); // before the init enters its cgroups
        step('init pid known');
        cg.apply(p);
        step('init moved into its cgroups');
        if (spec.linux?.resources) cg.set(spec.linux.resources);
        moveNetDevices(spec, p); // as runc: once the namespaces exist, before the hooks
      },
      beforeHooks: () => cg.applyDevices(), // as runc: after mknod, before the hooks
    }));
    const saved = doc(pid, false);
    pidfdSock?.send(pid);
    writeSaved(dir, saved);
    step('state saved');
    if (o.pidFile) writeFileAtomic(o.pidFile, String(pid), 0o644);
    return { saved, console: consoleSock?.receive() };
  } catch (e) {
    if (pid) killAndReap(pid);
    try { detachRootfsBind(rootfs, rootfsBind()); } catch { /* the first error is the one to report */ }
    try { cgroup?.destroy(); } catch { /* the first error is the one to report */ }
    // runtime.md: a failed create continues the lifecycle at step 12 (destroy), then 13 (poststop)
    if (pid) runPoststop(spec, JSON.stringify({ ociVersion: OCI_VERSION, id: o.id, status: 'stopped', bundle }), bundle);
    removeStateDir(dir);
    throw e;
  } finally {
    if (sock >= 0) closeSync(sock);
    consoleSock?.close();
    stages.close();
    pidfdSock?.close();
  }
}

