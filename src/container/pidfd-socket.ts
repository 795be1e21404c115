// --pidfd-socket (create, run, exec; runc 1.2): a pidfd of the container's process is sent over
// the AF_UNIX socket at this path, by SCM_RIGHTS, with runc's data: "standard" for the
// container's process, "setns" for an exec'd one. The socket is connected before anything is
// made (a bad path fails first); the pidfd goes once the process is set up.
import { closeSync } from 'node:fs';
import { connectUnixPath } from '../linux/fd.js';
import { sendWithFd } from '../linux/fd-transfer.js';
import { pidfdOpen } from '../linux/process.js';
import { RuntsError } from '../errors.js';

export interface PidfdSocket { send(pid: number): void; close(): void }

export function openPidfdSocket(path: string | undefined, kind: 'standard' | 'setns'): PidfdSocket | undefined {
  if (path === undefined) return undefined;
  let sock: number;
  try { sock = connectUnixPath(path); } catch (e) {
    throw new RuntsError('runtime', `--pidfd-socket ${path}: ${(e as Error).message}`);
  }
  return {
    send: (pid) => {
      const pidfd = pidfdOpen(pid);
      if (pidfd < 0) throw new RuntsError('runtime', `--pidfd-socket: the process ${pid} is gone`);
      try { sendWithFd(sock, Buffer.from(kind), pidfd); } finally { closeSync(pidfd); }
    },
    close: () => closeSync(sock),
  };
}
