// Waiting for a message on a socket without blocking the event loop: poll(2) on koffi's worker
// thread (fd-poll.ts), then one recvmsg that takes the bytes and any fds (fd-transfer.ts).
import { pollFd } from './fd-poll.js';
import { recvNow } from './fd-transfer.js';
import { RuntsError } from '../errors.js';

/** The next message on sock (at most `size` bytes) with the fds it carries (close-on-exec), once
 * it comes. No bytes: the peer closed. `what` names the socket in errors. */
export function recvMessage(sock: number, size: number, what: string): Promise<{ data: Buffer; fds: number[] }> {
  return new Promise((resolve, reject) => {
    const p = pollFd(sock, { readable: true }, (status) => {
      p.close();
      if (status < 0) reject(new RuntsError('runtime', `${what}: poll failed`));
      else try { resolve(recvNow(sock, size, what)); } catch (e) { reject(e); }
    });
  });
}
