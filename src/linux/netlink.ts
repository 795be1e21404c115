// rtnetlink (NETLINK_ROUTE) requests on a raw socket: the few that moving a network device into a
// container needs (links by name, their addresses, a link's namespace, name and state, an
// address). Messages are nlmsghdr + a fixed header + rtattrs; every request asks for an ack.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { CLONE_FLAG } from './constants.js';
import { check, libc } from './libc.js';
import { sysError } from './errors.js';

const AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, NETLINK_ROUTE = 0, CLONE_NEWNET = CLONE_FLAG.network;
const NLMSG_ERROR = 2, NLMSG_DONE = 3, NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_DUMP = 0x300, NLM_F_CREATE = 0x400, NLM_F_EXCL = 0x200;
export const RTM = { NEWLINK: 16, GETLINK: 18, NEWADDR: 20, GETADDR: 22 } as const;
export const IFLA_IFNAME = 3, IFLA_NET_NS_FD = 28, IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_FLAGS = 8, IFF_UP = 1;

const c = {
  socket: libc.func('int socket(int, int, int)'),
  setns: libc.func('int setns(int, int)'),
};

export interface Attr { type: number; data: Buffer }
export interface Reply { type: number; body: Buffer }

const align4 = (n: number) => (n + 3) & ~3;

export function rtattr(type: number, data: Buffer): Buffer {
  const b = Buffer.alloc(align4(4 + data.length));
  b.writeUInt16LE(4 + data.length, 0); b.writeUInt16LE(type, 2); data.copy(b, 4);
  return b;
}

export const cString = (s: string) => Buffer.concat([Buffer.from(s), Buffer.alloc(1)]);
export const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };

/** The rtattrs after a fixed header of `skip` bytes. */
export function attrsOf(body: Buffer, skip: number): Attr[] {
  const out: Attr[] = [];
  for (let off = align4(skip); off + 4 <= body.length;) {
    const len = body.readUInt16LE(off);
    if (len < 4) break;
    out.push({ type: body.readUInt16LE(off + 2), data: body.subarray(off + 4, off + len) });
    off += align4(len);
  }
  return out;
}

/** struct ifinfomsg: family AF_UNSPEC, the index, flags and the mask of flags to change. */
export function ifinfo(index: number, flags = 0, change = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32LE(index, 4); b.writeUInt32LE(flags, 8); b.writeUInt32LE(change, 12);
  return b;
}

export class Netlink {
  private seq = 0;
  private constructor(readonly fd: number) {}

  /** A socket in the caller's network namespace, or in the one nsPath names (the calling
   * thread enters it only to make the socket: a netlink socket stays with its namespace). */
  static open(nsPath?: string): Netlink {
    if (!nsPath) return new Netlink(check(c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), 'socket(AF_NETLINK)'));
    const home = openSync('/proc/thread-self/ns/net', 'r'), there = openSync(nsPath, 'r');
    try {
      check(c.setns(there, CLONE_NEWNET), 'setns', nsPath);
      try { return Netlink.open(); } finally { check(c.setns(home, CLONE_NEWNET), 'setns', 'back to runts\' network namespace'); }
    } finally { closeSync(home); closeSync(there); }
  }

  close(): void { closeSync(this.fd); }

  /** Sends one request; returns the replies (a dump's messages), throwing the kernel's error. */
  request(type: number, body: Buffer, o: { dump?: boolean; create?: boolean; what: string }): Reply[] {
    const seq = ++this.seq;
    const flags = NLM_F_REQUEST | NLM_F_ACK | (o.dump ? NLM_F_DUMP : 0) | (o.create ? NLM_F_CREATE | NLM_F_EXCL : 0);
    const hdr = Buffer.alloc(16);
    hdr.writeUInt32LE(16 + body.length, 0); hdr.writeUInt16LE(type, 4); hdr.writeUInt16LE(flags, 6); hdr.writeUInt32LE(seq, 8);
    writeSync(this.fd, Buffer.concat([hdr, body]));
    return this.replies(seq, o.what);
  }

  private replies(seq: number, what: string): Reply[] {
    const out: Reply[] = [], buf = Buffer.alloc(65536);
    for (;;) {
      const n = readSync(this.fd, buf);
      for (let off = 0; off + 16 <= n;) {
        const len = buf.readUInt32LE(off), type = buf.readUInt16LE(off + 4);
        const body = Buffer.from(buf.subarray(off + 16, off + len));
        off += align4(len);
        if (buf.readUInt32LE(off - align4(len) + 8) !== seq) continue;
        if (type === NLMSG_DONE) return out;
        if (type === NLMSG_ERROR) {
          const err = -body.readInt32LE(0);
          if (err) throw sysError(what, err);
          return out; // the ack
        }
        out.push({ type, body });
      }
    }
  }
}
