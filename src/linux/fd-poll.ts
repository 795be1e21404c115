// Watches one fd for readiness without a libuv poll handle (Bun's Node-API has none): poll(2)
// runs on koffi's worker thread over the fd and an eventfd, and its callback runs on the event
// loop. start() changes the events (the eventfd wakes a poll in flight, which re-arms with the
// new ones); all false pauses; close() ends it. Level-triggered, as libuv's handle is.
import { closeSync, readSync, writeSync } from 'node:fs';
import { check, libc } from './libc.js';

export interface PollEvents { readable?: boolean; writable?: boolean }
/** status < 0: the call failed, or poll reported POLLERR/POLLNVAL without POLLIN/POLLOUT.
 * (ret < 0 from the worker is EINTR, the only error poll(2) can give here: it re-arms.) */
export type PollCallback = (status: number, ev: PollEvents) => void;

const c = {
  poll: libc.func('int poll(_Inout_ uint8_t *fds, unsigned long nfds, int timeout)'),
  eventfd: libc.func('int eventfd(unsigned int initval, int flags)'),
};
const POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;
const EFD_CLOEXEC = 0o2000000, EFD_NONBLOCK = 0o4000;

export class FdPoll {
  /** two struct pollfd: the fd, then the eventfd */
  private readonly fds = Buffer.alloc(16);
  private readonly wake: number;
  private want: PollEvents = {};
  private cb: PollCallback = () => undefined;
  private inFlight = false;
  private closed = false;

  constructor(private readonly fd: number) {
    this.wake = check(c.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), 'eventfd');
  }

  start(events: PollEvents, cb: PollCallback): void {
    this.want = events;
    this.cb = cb;
    if (this.inFlight) this.interrupt(); else this.arm();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight) this.interrupt(); else closeSync(this.wake);
  }

  private interrupt(): void {
    const one = Buffer.alloc(8);
    one.writeBigUInt64LE(1n);
    writeSync(this.wake, one);
  }

  private arm(): void {
    const events = (this.want.readable ? POLLIN : 0) | (this.want.writable ? POLLOUT : 0);
    if (this.closed || this.inFlight || !events) return;
    this.fds.fill(0);
    this.fds.writeInt32LE(this.fd, 0); this.fds.writeInt16LE(events, 4);
    this.fds.writeInt32LE(this.wake, 8); this.fds.writeInt16LE(POLLIN, 12);
    this.inFlight = true;
    c.poll.async(this.fds, 2, -1, (err: unknown, ret: number) => this.done(err, ret));
  }

  private done(err: unknown, ret: number): void {
    this.inFlight = false;
    try { readSync(this.wake, Buffer.alloc(8)); } catch { /* EAGAIN: not woken */ }
    if (this.closed) { closeSync(this.wake); return; }
    if (err) { this.cb(-1, {}); return; }
    const rev = ret > 0 ? this.fds.readInt16LE(6) : 0;
    const ev = { readable: !!(rev & (POLLIN | POLLHUP)), writable: !!(rev & POLLOUT) };
    if (ev.readable || ev.writable) this.cb(0, ev);
    else if (rev & (POLLERR | POLLNVAL)) { this.cb(-1, {}); return; }
    this.arm();
  }
}

/** A poll on fd with events and cb, started. */
export function pollFd(fd: number, events: PollEvents, cb: PollCallback): FdPoll {
  const p = new FdPoll(fd);
  p.start(events, cb);
  return p;
}
