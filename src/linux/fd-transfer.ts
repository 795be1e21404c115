// Moving a file descriptor between processes: pidfd_getfd(2) copies one out of another process
// (runts copies the seccomp listener out of runts-finalize, as runc does), and SCM_RIGHTS sends
// one over an AF_UNIX socket with some data (to the seccomp agent at listenerPath) or receives
// one (the console's pty master, when runts itself is the console socket's other end; an
// id-mapped mount's source, in the init).
import { closeSync, writeSync } from 'node:fs';
import { check, koffi, libc } from './libc.js';
import { pidfdOpen } from './process.js';
import { RuntsError } from '../errors.js';

const SYS_pidfd_getfd = 438, SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_NOSIGNAL = 0x4000, EINTR = 4;
const MSG_CMSG_CLOEXEC = 0x40000000, MSG_TRUNC = 0x20, CMSG_HDR = 16, CONTROL_SIZE = 96; // x86_64/aarch64: cmsghdr {size_t len; int level, type}

const c = {
  getfd: libc.func('long syscall(long, int, int, unsigned int)'),
  sendmsg: libc.func('long sendmsg(int, const uint8_t *msg, int)'),
  recvmsg: libc.func('long recvmsg(int, _Inout_ uint8_t *msg, int)'),
};

/** A struct msghdr over one data buffer and a control buffer; it holds on to the buffers it
 * points to, so that none is collected while the call runs. */
function msgHeader(data: Buffer, control: Buffer): Buffer {
  const iov = Buffer.alloc(16), msg = Buffer.alloc(56);
  iov.writeBigUInt64LE(koffi.address(data), 0); iov.writeBigUInt64LE(BigInt(data.length), 8);
  msg.writeBigUInt64LE(koffi.address(iov), 16); msg.writeBigUInt64LE(1n, 24);
  msg.writeBigUInt64LE(koffi.address(control), 32); msg.writeBigUInt64LE(BigInt(control.length), 40);
  return Object.assign(msg, { pointsTo: [iov, data, control] });
}

/** Calls a sendmsg/recvmsg-like function until it is not interrupted. */
function retried(call: () => number, op: string, what?: string): number {
  let n: number;
  while ((n = call()) < 0 && koffi.errno() === EINTR) { /* again */ }
  return check(n, op, what);
}

/** A close-on-exec copy of fd `target` of process `pid`. */
export function copyFdFrom(pid: number, target: number): number {
  const pidfd = pidfdOpen(pid);
  if (pidfd < 0) throw new RuntsError('runtime', `pidfd_open ${pid}: no such process`);
  try {
    return check(Number(c.getfd(SYS_pidfd_getfd, pidfd, target, 0)), 'pidfd_getfd', `${pid}/fd/${target}`);
  } finally { closeSync(pidfd); }
}

/** Sends data with fd (SCM_RIGHTS) in the first sendmsg; the rest, if the socket took only part, with write. */
export function sendWithFd(sock: number, data: Buffer, fd: number): void {
  const control = Buffer.alloc(24);
  control.writeBigUInt64LE(20n, 0); control.writeInt32LE(SOL_SOCKET, 8); control.writeInt32LE(SCM_RIGHTS, 12);
  control.writeInt32LE(fd, 16);
  const msg = msgHeader(data, control);
  const n = retried(() => Number(c.sendmsg(sock, msg, MSG_NOSIGNAL)), 'sendmsg');
  for (let off = n; off < data.length;) off += writeSync(sock, data, off, data.length - off);
}

/** Receives one message on sock and returns the one fd it carries (close-on-exec); what names the socket. */
export function recvFd(sock: number, what: string): number {
  return recvWithFd(sock, what).fd;
}

/** One message of at most `size` bytes on sock, with the fds it carries (close-on-exec). */
export function recvNow(sock: number, size: number, what: string): { data: Buffer; fds: number[] } {
  const data = Buffer.alloc(size), control = Buffer.alloc(CONTROL_SIZE);
  const msg = msgHeader(data, control);
  const n = retried(() => Number(c.recvmsg(sock, msg, MSG_CMSG_CLOEXEC)), 'recvmsg', what);
  const fds = rightsIn(control.subarray(0, Number(msg.readBigUInt64LE(40))));
  if (msg.readInt32LE(48) & MSG_TRUNC) {
    for (const fd of fds) closeSync(fd);
    throw new RuntsError('runtime', `${what}: a message longer than ${size} bytes`);
  }
  return { data: data.subarray(0, n), fds };
}

/** recvFd, with the bytes that came with the fd (at most 256). */
export function recvWithFd(sock: number, what: string): { data: Buffer; fd: number } {
  const { data, fds } = recvNow(sock, 256, what);
  if (fds.length !== 1) {
    for (const fd of fds) closeSync(fd);
    throw new RuntsError('runtime', `${what}: expected one file descriptor, received ${fds.length}`);
  }
  return { data, fd: fds[0] };
}

/** Every fd in the SCM_RIGHTS control messages of a received control buffer. */
function rightsIn(control: Buffer): number[] {
  const fds: number[] = [];
  for (let off = 0; off + CMSG_HDR <= control.length;) {
    const len = Number(control.readBigUInt64LE(off));
    if (len < CMSG_HDR) break;
    if (control.readInt32LE(off + 8) === SOL_SOCKET && control.readInt32LE(off + 12) === SCM_RIGHTS) {
      for (let p = off + CMSG_HDR; p + 4 <= off + len; p += 4) fds.push(control.readInt32LE(p));
    }
    off += (len + 7) & ~7;
  }
  return fds;
}
