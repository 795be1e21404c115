// Receiving a file descriptor over an AF_UNIX socket (SCM_RIGHTS), which Node's own APIs do
// not offer: the console's pty master that runts-finalize sends when runts itself is the
// console socket's other end.
import { closeSync } from 'node:fs';
import { check, koffi, libc } from './libc.js';

const SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_CMSG_CLOEXEC = 0x40000000;
const CMSG_HDR = 16, CMSG_SPACE_ONE_FD = 24; // x86_64/aarch64: cmsghdr {size_t len; int level, type}

const c = { recvmsg: libc.func('long recvmsg(int, _Inout_ uint8_t *msg, int)') };

/** Receives one message on sock and returns the one fd it carries (close-on-exec). */
export function recvFd(sock: number, what: string): number {
  const data = Buffer.alloc(256), control = Buffer.alloc(CMSG_SPACE_ONE_FD * 4);
  const iov = Buffer.alloc(16), msg = Buffer.alloc(56);
  iov.writeBigUInt64LE(koffi.address(data), 0); iov.writeBigUInt64LE(BigInt(data.length), 8);
  msg.writeBigUInt64LE(koffi.address(iov), 16); msg.writeBigUInt64LE(1n, 24);
  msg.writeBigUInt64LE(koffi.address(control), 32); msg.writeBigUInt64LE(BigInt(control.length), 40);
  let n: number;
  while ((n = Number(c.recvmsg(sock, msg, MSG_CMSG_CLOEXEC))) < 0 && koffi.errno() === 4) { /* EINTR */ }
  check(n, 'recvmsg', what);
  const fds = rightsIn(control.subarray(0, Number(msg.readBigUInt64LE(40))));
  if (fds.length !== 1) {
    for (const fd of fds) closeSync(fd);
    throw new Error(`${what}: expected one file descriptor, received ${fds.length}`);
  }
  return fds[0];
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
