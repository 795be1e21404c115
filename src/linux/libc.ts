// The one place koffi loads libc. Other files in src/linux declare the functions they need
// with `libc.func(...)` and turn a -1 return into a SysError with `check`.
//
// Declarations are resolved lazily, on first call: commands like `state` and `list` never
// touch libc and should not pay for loading koffi (~7 ms). The Node init calls
// `resolveAll()` at start, because after pivot_root neither koffi nor libc is reachable.
import type * as Koffi from 'koffi';
import { SysError } from './errors.js';

let mod: typeof Koffi | undefined;
let lib: Koffi.LibraryHandle | undefined;
const unresolved: (() => unknown)[] = [];

/** Set by scripts/build.mjs: koffi's version and, relative to dist/, the native module that
 * `require('koffi')` picks on this machine. */
declare const KOFFI_NATIVE: { version: string; path: string } | undefined;

/** koffi's native module, loaded directly when the build found it: koffi's index detects the
 * platform by reading Node's ELF headers and probing paths, ~4 ms of every Node start that uses
 * it. Its wrapper only adds deprecated aliases, none of which runts uses. */
function loadKoffi(): typeof Koffi {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (typeof KOFFI_NATIVE === 'object' && KOFFI_NATIVE) {
    try {
      const native = require(require('node:path').join(__dirname, KOFFI_NATIVE.path)) as typeof Koffi;
      if (native.version === KOFFI_NATIVE.version) return native;
    } catch { /* moved or rebuilt: koffi's own loader below */ }
  }
  return require('koffi') as typeof Koffi;
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function koffiModule(): typeof Koffi {
  return (mod ??= loadKoffi());
}

function library(): Koffi.LibraryHandle {
  return (lib ??= koffiModule().load('libc.so.6'));
}

/** A koffi function that is declared on first use; `.async` runs it on a worker thread. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LazyFn = ((...args: any[]) => any) & { async: (...args: any[]) => void };

/** Declarations against the library `load` opens, each resolved on its first call. */
function lazyLibrary(load: () => Koffi.LibraryHandle, registry?: (() => unknown)[]): { func(decl: string): LazyFn } {
  return {
    func(decl: string): LazyFn {
      let real: ((...a: unknown[]) => unknown) | undefined;
      const resolve = () => (real ??= load().func(decl) as (...a: unknown[]) => unknown);
      const fn = ((...args: unknown[]) => resolve()(...args)) as LazyFn;
      fn.async = (...args: unknown[]) => { (resolve() as unknown as { async: (...a: unknown[]) => void }).async(...args); };
      registry?.push(resolve);
      return fn;
    },
  };
}

export const libc = lazyLibrary(library, unresolved);

/** Another shared library (src/seccomp: libseccomp.so.2), opened on the first call of one of its functions. */
export function sharedLibrary(name: string): { func(decl: string): LazyFn } {
  let handle: Koffi.LibraryHandle | undefined;
  return lazyLibrary(() => (handle ??= koffiModule().load(name)));
}

export interface PollEvents { readable?: boolean; writable?: boolean }
export type PollCallback = (status: number, ev: PollEvents) => void;
/** koffi's libuv poll handle, typed as it behaves (its .d.ts has the callback without status). */
export interface FdPoll { start(o: PollEvents, cb: PollCallback): void; close(): void }

export const koffi = {
  errno: (): number => koffiModule().errno(),
  /** The address of a Buffer's memory, for pointers inside structs (recvmsg's msghdr). */
  address: (b: Buffer): bigint => koffiModule().address(b),
  /** The C string a pointer stored at buf[offset] points to (null for NULL). */
  cString: (buf: Buffer, offset: number): string | null => koffiModule().decode(buf, offset, 'const char *') as string | null,
  /** A libuv poll handle on fd: the callback runs on the event loop when fd is ready (status < 0:
   * a libuv error). Change the events with start() again, all false to pause: stop() may not be
   * followed by start() (koffi 3.3 drops the handle). */
  poll: (fd: number, o: PollEvents, cb: PollCallback): FdPoll =>
    koffiModule().node.poll(fd, o, cb as (ev: unknown) => void) as unknown as FdPoll,
};

/** Loads koffi and libc and declares every function now (the Node init, before pivot_root). */
export function resolveAll(): void {
  for (const r of unresolved.splice(0)) r();
}

/** Throws SysError(op, errno, path) when a libc call returned -1 (or any negative value). */
export function check(ret: number, op: string, path?: string): number {
  if (ret < 0) throw new SysError(op, koffi.errno(), path);
  return ret;
}
