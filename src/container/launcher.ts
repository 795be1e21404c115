// Starting the stages (drawn in protocol/messages.ts) for create and exec: where their binaries
// are, their sealed fds, runts-nsexec spawned with its fds, and the namespace stage's messages.
import { closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MSG } from '../protocol/messages.js';
import { receive, writeMessage, type Attr } from '../protocol/framing.js';
import { spawnWithFds } from '../linux/spawn.js';
import { isOpen, socketPair } from '../linux/fd.js';
import { reapChild } from '../linux/process.js';
import type { StageFds, StagePaths } from './plan.js';
import { SealedExecutables } from '../linux/exe-seal.js';
import { INIT_ENTRY, libDir, selfExe } from '../engine/layout.js';
import { RuntsError } from '../errors.js';

/** The stages' binaries for one command: where they are (stagePaths) and their sealed fds,
 * opened on first use (linux/exe-seal.ts; spare: the state root, for overlayfs' second layer). */
export class Stages {
  readonly paths = stagePaths();
  private readonly sealed: SealedExecutables;
  constructor(root: string) { this.sealed = new SealedExecutables(resolve(root)); }
  fd(stage: Exclude<keyof StagePaths, 'engineArgs'>): number { return this.sealed.open(this.paths[stage]); }
  close(): void { this.sealed.close(); }
}

/** Starts runts-nsexec (sealed) with stdio, the preserved fds 3..3+n-1, the sync socket at 3+n,
 * the extra fds (create: the exec socket; then the console socket) at 4+n on, then the sealed
 * runts-finalize and, with `engine`, the init's engine. Returns our end of the sync socket and
 * runts-nsexec's fd numbers. */
export function spawnStage(stages: Stages, preserveFds: number, extra: number[], engine: boolean): { fd: number; fds: StageFds } {
  for (let fd = 3; fd < 3 + preserveFds; fd++) {
    if (!isOpen(fd)) throw new RuntsError('runtime', `--preserve-fds ${preserveFds}: fd ${fd} is not open`);
  }
  const exe = stages.fd('nsexec'), sealed = [stages.fd('finalize'), ...(engine ? [stages.fd('engine')] : [])];
  const [mine, theirs] = socketPair();
  const sync = 3 + preserveFds, stdio: number[] = [0, 1, 2];
  for (let fd = 3; fd < sync; fd++) stdio.push(fd);
  stdio.push(theirs, ...extra);
  const fds: StageFds = { sync, finalize: stdio.length, engine: engine ? stdio.length + 1 : undefined };
  stdio.push(...sealed);
  try {
    spawnWithFds(exe, [stages.paths.nsexec, String(sync)], stdio);
  } catch (e) { closeSync(mine); throw e; } finally { closeSync(theirs); }
  return { fd: mine, fds };
}

/** STAGE_PID: runts-nsexec's pid (it has made its user namespace, if any). */
export function awaitStagePid(fd: number): number {
  return receive(fd, 'STAGE_PID', 'runts-nsexec').PID;
}

/** INIT_PID: the init's pid (runts-nsexec exits after sending it: it is reaped here, so that no
 * zombie outlives the command). */
export function awaitInitPid(fd: number, stagePid: number): number {
  const pid = receive(fd, 'INIT_PID', 'runts-nsexec').PID;
  reapChild(stagePid);
  return pid;
}

/** exec's first steps (create's are in create-steps.ts): NS_PLAN, STAGE_PID (onStagePid: exec
 * joins the cgroup), STAGE_GO, INIT_PID: returns the pid. */
export function namespaceStage(fd: number, plan: Attr[], onStagePid: (pid: number) => void): number {
  writeMessage(fd, MSG.NS_PLAN, plan);
  const stagePid = awaitStagePid(fd);
  onStagePid(stagePid);
  writeMessage(fd, MSG.STAGE_GO);
  return awaitInitPid(fd, stagePid);
}

/** The one place that names the binaries of create and exec (the engine is the init: this
 * executable, started through its hidden entry); Stages seals whatever is here. */
export function stagePaths(): StagePaths {
  const lib = libDir();
  return {
    engine: selfExe(), engineArgs: [INIT_ENTRY, lib],
    nsexec: join(lib, 'runts-nsexec'), finalize: join(lib, 'runts-finalize'), idmap: join(lib, 'runts-idmap'),
  };
}
