// runc's rules for process.terminal and --console-socket. runts makes the pty in the C stage
// and sends its master over the socket; a foreground terminal without a socket (runc proxies
// the pty to its own stdio) is not supported yet.
import { RuntimeError } from './errors.js';

export function checkConsole(terminal: boolean, socket: string | undefined, detached: boolean): void {
  if (terminal && !socket) {
    throw new RuntimeError(detached
      ? 'cannot allocate tty if runc will detach without setting console socket'
      : 'a terminal without --console-socket (runts proxying the pty itself) is not supported yet');
  }
  if (!terminal && socket) throw new RuntimeError('cannot use console socket if runc will not detach or allocate tty');
}
