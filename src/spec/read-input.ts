// Reading a file a user names (config.json, exec --process, update -r): a regular file (a device
// such as /dev/zero never ends), or, where the caller allows it, a pipe (`exec -p <(...)`),
// opened without blocking (a FIFO nobody writes to reads as empty instead of blocking the
// open for ever) and never more than MAX_INPUT bytes. stdin ("-") is read with the same bound.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { errnoText } from '../linux/errors.js';

/** Far above any real config.json (a few KB; containerd's with many annotations, some 100 KB). */
export const MAX_INPUT = 16 << 20;

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function sysText(e: unknown): string {
  const errno = (e as NodeJS.ErrnoException).errno;
  return errno === undefined ? (e as Error).message : errnoText(Math.abs(errno));
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** read(2), waiting while a pipe opened O_NONBLOCK has a writer but no data yet. */
function readWaiting(fd: number, b: Buffer): number {
  for (;;) {
    try { return readSync(fd, b, 0, b.length, null); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

function readBounded(fd: number, what: string, fail: (msg: string) => Error): string {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const b = Buffer.allocUnsafe(Math.min(1 << 20, MAX_INPUT + 1 - total));
    let n: number;
    try { n = readWaiting(fd, b); } catch (e) { throw fail(`${what}: read: ${sysText(e)}`); }
    if (n === 0) break;
    chunks.push(b.subarray(0, n));
    total += n;
    if (total > MAX_INPUT) throw fail(`${what}: larger than ${MAX_INPUT} bytes`);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/**
 * The text of `path` (what: its name in errors); `missing` is the whole message for a file that
 * does not exist; `pipe` also accepts a FIFO, read to its end. `fail` makes the error of the
 * caller's kind.
 */
export function readInputFile(path: string, what: string, fail: (msg: string) => Error,
  o: { missing?: string; pipe?: boolean } = {}): string {
  if (path === '-') return readBounded(0, what, fail);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY); // libuv adds O_CLOEXEC
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && o.missing) throw fail(o.missing);
    throw fail(`${what}: open ${path}: ${sysText(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() && !(o.pipe && st.isFIFO())) throw fail(`${what} is ${kind(st)}, not a regular file${o.pipe ? ' or a pipe' : ''}`);
    if (st.size > MAX_INPUT) throw fail(`${what}: larger than ${MAX_INPUT} bytes`);
    return readBounded(fd, what, fail);
  } finally { closeSync(fd); }
}
