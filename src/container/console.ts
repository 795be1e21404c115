// runc's rules for process.terminal and --console-socket, and the socket runts-finalize sends
// the pty master over: the caller's --console-socket, or, for a foreground terminal, one end
// of a socketpair whose other end runts keeps to proxy the pty itself (src/container/tty-proxy.ts).
import { closeSync, openSync } from 'node:fs';
import { connectUnixPath, socketPair } from '../linux/fd.js';
import { recvFd } from '../linux/fd-transfer.js';
import { getWinSize, isTty, type WinSize } from '../linux/tty.js';
import type { Process } from '../spec/types.js';
import { RuntsError } from '../errors.js';
import { sysError } from '../linux/errors.js';

export function checkConsole(terminal: boolean, socket: string | undefined, detached: boolean): void {
  if (detached && terminal && !socket) throw new RuntsError('runtime', 'cannot allocate tty if runc will detach without setting console socket');
  if ((!detached || !terminal) && socket) throw new RuntsError('runtime', 'cannot use console socket if runc will not detach or allocate tty');
}

/** What a foreground terminal keeps: the pty master and the host's terminal. */
export interface ProxyConsole { master: number; host: number; closeHost: boolean }

/** The console socket of one create or exec; `fd` goes to runts-finalize. */
export interface ConsoleSocket {
  fd: number;
  /** A proxied console: the host terminal's size, which the pty gets before the process runs. */
  hostSize?: WinSize;
  /** Closes runts' copy of `fd` once the stage has its own. */
  release(): void;
  /** After runts-finalize sent the master: the proxy's side, when runts proxies the pty. */
  receive(): ProxyConsole | undefined;
  close(): void;
}

/** runc's host console: the first of stderr, stdout and stdin that is a terminal, else /dev/tty. */
function hostConsole(): { fd: number; closeHost: boolean } {
  for (const fd of [2, 1, 0]) if (isTty(fd)) return { fd, closeHost: false };
  try { return { fd: openSync('/dev/tty', 'r'), closeHost: true }; } catch (e) {
    throw sysError('open', -((e as NodeJS.ErrnoException).errno ?? 0), '/dev/tty');
  }
}

function callerSocket(path: string): ConsoleSocket {
  const fd = connectUnixPath(path);
  let open = true;
  const close = () => { if (open) closeSync(fd); open = false; };
  return { fd, release: close, receive: () => undefined, close };
}

function proxySocket(): ConsoleSocket {
  const { fd: host, closeHost } = hostConsole();
  const [mine, theirs] = socketPair();
  const open = new Set([mine, theirs, ...(closeHost ? [host] : [])]);
  const closeFd = (fd: number) => { if (open.delete(fd)) closeSync(fd); };
  let hostSize: WinSize | undefined;
  try { hostSize = getWinSize(host); } catch { /* as runc: no size, no resize */ }
  return {
    fd: theirs, hostSize,
    release: () => closeFd(theirs),
    close: () => { for (const fd of [...open]) closeFd(fd); },
    receive: () => {
      closeFd(theirs); // runts-finalize has sent the master (or died): never wait for more
      const master = recvFd(mine, 'the console socket');
      closeFd(mine);
      open.delete(host);
      return { master, host, closeHost };
    },
  };
}

/** Checks runc's rules; for a terminal, connects to --console-socket or makes runts' own. */
export function openConsoleSocket(terminal: boolean, socket: string | undefined, detached: boolean): ConsoleSocket | undefined {
  checkConsole(terminal, socket, detached);
  if (!terminal) return undefined;
  return socket ? callerSocket(socket) : proxySocket();
}

/** The process as runts-finalize sets it up: a proxied console starts at the host terminal's size
 * (runc resizes it just after the start; from the start, the process never sees another size). */
export function sizedProcess(p: Process, c: ConsoleSocket | undefined): Process {
  return c?.hostSize ? { ...p, consoleSize: { height: c.hostSize.rows, width: c.hostSize.cols } } : p;
}
