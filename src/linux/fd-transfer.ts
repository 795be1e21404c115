// Moving a file descriptor between processes: pidfd_getfd(2) copies one out of another process
// (runts copies the seccomp listener out of runts-finalize, as runc does), and SCM_RIGHTS sends
// one over an AF_UNIX socket with some data (to the seccomp agent at listenerPath).
import { closeSync, writeSync } from 'node:fs';
import { check, koffi, libc } from './libc.js';
import { pidfdOpen } from './process.js';

const SYS_pidfd_getfd = 438, SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_NOSIGNAL = 0x4000, EINTR = 4;

const c = {
  getfd: libc.func('long syscall(long, int, int, unsigned int)'),
  sendmsg: libc.func('long sendmsg(int, const uint8_t *msg, int)'),
};

/** A close-on-exec copy of fd `target` of process `pid`. */
export function copyFdFrom(pid: number, target: number): number {
  const pidfd = pidfdOpen(pid);
  if (pidfd < 0) throw new Error(`pidfd_open ${pid}: no such process`);
  try {
    return check(Number(c.getfd(SYS_pidfd_getfd, pidfd, target, 0)), 'pidfd_getfd', `${pid}/fd/${target}`);
  } finally { closeSync(pidfd); }
}

/** Sends data with fd (SCM_RIGHTS) in the first sendmsg; the rest, if the socket took only part, with write. */
export function sendWithFd(sock: number, data: Buffer, fd: number): void {
  const iov = Buffer.alloc(16), control = Buffer.alloc(24), msg = Buffer.alloc(56);
  iov.writeBigUInt64LE(koffi.address(data), 0); iov.writeBigUInt64LE(BigInt(data.length), 8);
  control.writeBigUInt64LE(20n, 0); control.writeInt32LE(SOL_SOCKET, 8); control.writeInt32LE(SCM_RIGHTS, 12);
  control.writeInt32LE(fd, 16);
  msg.writeBigUInt64LE(koffi.address(iov), 16); msg.writeBigUInt64LE(1n, 24);
  msg.writeBigUInt64LE(koffi.address(control), 32); msg.writeBigUInt64LE(BigInt(control.length), 40);
  let n: number;
  while ((n = Number(c.sendmsg(sock, msg, MSG_NOSIGNAL))) < 0 && koffi.errno() === EINTR) { /* again */ }
  check(n, 'sendmsg');
  for (let off = n; off < data.length;) off += writeSync(sock, data, off, data.length - off);
}
