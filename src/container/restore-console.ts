// A restored terminal: criu restores the container's pty slave on a new pty pair it makes
// (orphan_pts_master; the old master was outside the image, in whoever held the console
// socket) and sends the new master over its RPC socket ("orphan-pts-master"); runts sends it on
// to --console-socket, as create sends its master, or, in the foreground, to its own console
// proxy (console.ts), runc's rules for the two flags applying. With --shell-job criu gives the
// restored process runts' own terminal instead, and no console socket takes part.
import { sendWithFd } from '../linux/fd-transfer.js';
import { setWinSize } from '../linux/tty.js';
import { RuntsError } from '../errors.js';
import type { Spec } from '../spec/types.js';
import { checkConsole, openConsoleSocket, type ConsoleSocket } from './console.js';

export interface RestoreConsoleOpts { consoleSocket?: string; detach: boolean; shellJob: boolean }

/** Whether criu must make the restored terminal a new pty master (criu_opts' orphan_pts_master). */
export const newPtyMaster = (spec: Spec, o: RestoreConsoleOpts) => !!spec.process?.terminal && !o.shellJob;

/** The console socket the new master goes to; none without newPtyMaster. */
export function openRestoreConsole(spec: Spec, o: RestoreConsoleOpts): ConsoleSocket | undefined {
  if (!newPtyMaster(spec, o)) {
    if (!o.shellJob) checkConsole(false, o.consoleSocket, o.detach);
    return undefined;
  }
  return openConsoleSocket(true, o.consoleSocket, o.detach);
}

/** criu's orphan-pts-master notification: its one fd, the master, goes to the console socket. */
export function sendMaster(console: ConsoleSocket | undefined, fds: number[]): void {
  if (!console) throw new RuntsError('runtime', 'restore: criu sent a new pty master, but the container has no console (process.terminal is false, or --shell-job)');
  if (fds.length !== 1) throw new RuntsError('runtime', `restore: criu's orphan-pts-master notification carries ${fds.length} file descriptors, not one`);
  if (console.hostSize) setWinSize(fds[0], console.hostSize);
  sendWithFd(console.fd, Buffer.from('/dev/ptmx'), fds[0]);
}
