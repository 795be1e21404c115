// Processes: start times, signals through pidfds (no pid-reuse races), waiting for a child
// that Node did not spawn, and the prctl/exec calls of the Node init.
import { readFileSync } from 'node:fs';
import { check, koffi, libc } from './libc.js';
import { sysError, errnoOf } from './errors.js';

const SYS_pidfd_open = 434, SYS_pidfd_send_signal = 424;
const PR_SET_DUMPABLE = 4;

const c = {
  syscall3: libc.func('long syscall(long, int, int, void *, uint32_t)'),
  syscall2: libc.func('long syscall(long, int, uint32_t)'),
  waitpid: libc.func('int waitpid(int, _Out_ int *, int)'),
  prctl: libc.func('int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)'),
  fexecve: libc.func('int fexecve(int, const char **, const char **)'),
  close: libc.func('int close(int)'),
};

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or undefined if pid is gone. */
export function startTime(pid: number): string | undefined {
  let stat: string;
  try { stat = readFileSync(`/proc/${pid}/stat`, 'latin1'); } catch { return undefined; }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // a zombie has exited
  return fields[19];
}

/** Opens a pidfd for pid; returns -1 if the process is gone. */
export function pidfdOpen(pid: number): number {
  const fd = Number(c.syscall2(SYS_pidfd_open, pid, 0));
  if (fd < 0 && koffi.errno() === 3) return -1;
  return check(fd, 'pidfd_open', String(pid));
}

export function pidfdSignal(pidfd: number, sig: number): void {
  check(Number(c.syscall3(SYS_pidfd_send_signal, pidfd, sig, null, 0)), 'pidfd_send_signal');
}

export function closeFd(fd: number): void {
  c.close(fd);
}

/** Signals pid only if it is still the process that started at `start`. Returns false if gone. */
export function signalIfSame(pid: number, start: string, sig: number): boolean {
  const fd = pidfdOpen(pid);
  if (fd < 0) return false;
  try {
    if (startTime(pid) !== start) return false;
    try { pidfdSignal(fd, sig); } catch (e) { if (errnoOf(e) === 3) return false; throw e; }
    return true;
  } finally { closeFd(fd); }
}

/** Waits (on a worker thread) for a child Node did not spawn; resolves to the wait status. */
export function waitChild(pid: number): Promise<number> {
  const status = new Int32Array(1);
  return new Promise((resolve, reject) => {
    c.waitpid.async(pid, status, 0, (err: unknown, ret: number) => {
      if (err) reject(err);
      else if (ret < 0) reject(sysError('waitpid', koffi.errno(), String(pid)));
      else resolve(status[0]);
    });
  });
}

/** Exit code of a wait status in the shell's convention: 128+N for a signal. */
export function exitCode(status: number): number {
  const sig = status & 0x7f;
  return sig === 0 ? (status >> 8) & 0xff : 128 + sig;
}

export function setNonDumpable(): void {
  check(c.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), 'prctl(PR_SET_DUMPABLE)');
}

/** Replaces this process with the program in fd (a sealed memfd). Returns only on error. */
export function fexecve(fd: number, argv: string[], env: string[]): never {
  c.fexecve(fd, [...argv, null], [...env, null]);
  throw sysError('fexecve', koffi.errno(), argv[0]);
}

const cPoll = libc.func('int poll(_Inout_ uint8_t *fds, unsigned long nfds, int timeout)');
const WNOHANG = 1;

/** Waits up to timeoutMs for the process behind pidfd to exit; true if it did. */
export function pidfdWait(pidfd: number, timeoutMs: number): boolean {
  const pfd = Buffer.alloc(8);
  pfd.writeInt32LE(pidfd, 0); pfd.writeInt16LE(1 /* POLLIN */, 4);
  for (;;) {
    const r = cPoll(pfd, 1, timeoutMs);
    if (r < 0 && koffi.errno() === 4) continue;
    return check(r, 'poll', 'pidfd') > 0;
  }
}

/** Waits for our child pid to exit and reaps it (ECHILD: already reaped, fine). */
export function reapChild(pid: number): void {
  const st = new Int32Array(1);
  while (c.waitpid(pid, st, 0) < 0 && koffi.errno() === 4) { /* EINTR */ }
}

/** Reaps pid if it is our child and has exited; ignores ECHILD. */
export function reapIfChild(pid: number): void {
  c.waitpid(pid, new Int32Array(1), WNOHANG);
}
