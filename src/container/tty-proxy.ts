// The foreground console (`run` or `exec -t` of a terminal process without --console-socket,
// as `runc run -t`): runts holds the pty master, puts the host terminal in raw mode, copies its
// stdin to the master and the master to its stdout, gives the master the host terminal's size
// at start and on every SIGWINCH, and, once the process has exited, drains what the container
// wrote (until EIO: every slave fd is closed, or EAGAIN: nothing more) and restores the host
// terminal. The master is non-blocking and watched by poll(2) on a worker thread (linux/fd-poll.ts),
// so the event loop stays free for signals and the wait for the process.
import { closeSync, createReadStream, readSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pollFd, type FdPoll, type PollEvents } from '../linux/fd-poll.js';
import { getWinSize, isTty, makeRaw, setNonBlocking, setWinSize } from '../linux/tty.js';
import type { ProxyConsole } from './console.js';

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of buf to a blocking or non-blocking fd (EAGAIN: try again, briefly); false when
 * the fd fails (a closed stdout: what the container writes is read and dropped, as runc's copy stops). */
function writeAll(fd: number, buf: Buffer): boolean {
  for (let off = 0; off < buf.length;) {
    try { off += writeSync(fd, buf, off); } catch (e) {
      if (code(e) !== 'EAGAIN') return false;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
  return true;
}

export class TtyProxy {
  private readonly buf = Buffer.alloc(65536);
  private poll?: FdPoll;
  private input?: Readable;
  private toMaster: Buffer[] = [];
  private restoreHost?: () => void;
  private masterOpen = true;
  /** EIO on the master: no process holds the slave any more */
  private slaveGone = false;
  private stdoutOk = true;
  private readonly onWinch = () => this.resize();

  constructor(private readonly c: ProxyConsole) {}

  start(): void {
    setNonBlocking(this.c.master);
    this.resize();
    this.restoreHost = makeRaw(this.c.host);
    process.on('SIGWINCH', this.onWinch);
    this.poll = pollFd(this.c.master, { readable: true }, (status, ev) => this.onReady(status, ev));
    this.input = isTty(0) ? process.stdin : createReadStream('', { fd: 0, autoClose: false });
    this.input.on('data', (d: Buffer) => { this.toMaster.push(d); this.flushInput(); });
    this.input.on('error', () => undefined);
  }

  /** The process has exited: copy what is left, then stop and restore the host terminal. */
  finish(): void {
    try { this.drain(); } finally { this.close(); }
  }

  close(): void {
    process.off('SIGWINCH', this.onWinch);
    this.poll?.close();
    this.poll = undefined;
    this.input?.destroy();
    this.restoreHost?.();
    this.restoreHost = undefined;
    if (this.masterOpen) closeSync(this.c.master);
    if (this.c.closeHost) closeSync(this.c.host);
    this.masterOpen = this.c.closeHost = false;
  }

  private resize(): void {
    try { setWinSize(this.c.master, getWinSize(this.c.host)); } catch { /* as runc: a failed resize is ignored */ }
  }

  private onReady(status: number, ev: PollEvents): void {
    if (status >= 0 && ev.writable) this.flushInput();
    if (status < 0 || (ev.readable && this.drain() === 'closed')) {
      this.slaveGone = true;
      this.toMaster = [];
      this.watch(false);
    }
  }

  /** Copies the master to stdout until it would block ('open') or every slave is closed. */
  private drain(): 'open' | 'closed' {
    if (!this.masterOpen || this.slaveGone) return 'closed';
    for (;;) {
      let n: number;
      try { n = readSync(this.c.master, this.buf); } catch (e) {
        return code(e) === 'EAGAIN' ? 'open' : 'closed'; // EIO: no slave fd is open any more
      }
      if (n === 0) return 'closed';
      if (this.stdoutOk) this.stdoutOk = writeAll(1, this.buf.subarray(0, n));
    }
  }

  /** Writes queued stdin to the master; when it is full, waits for it to be writable. */
  private flushInput(): void {
    while (this.toMaster.length) {
      const chunk = this.toMaster[0];
      let n: number;
      try { n = writeSync(this.c.master, chunk); } catch (e) {
        if (code(e) === 'EAGAIN') break;
        this.toMaster = [];
        return;
      }
      if (n < chunk.length) this.toMaster[0] = chunk.subarray(n);
      else this.toMaster.shift();
    }
    const full = this.toMaster.length > 0;
    if (full) this.input?.pause(); else this.input?.resume();
    this.watch(!this.slaveGone, full);
  }

  private watch(readable: boolean, writable = false): void {
    this.poll?.start({ readable, writable }, (status, ev) => this.onReady(status, ev));
  }
}
