// The one place koffi loads libc. Other files in src/linux declare the functions they need
// with `libc.func(...)` and turn a -1 return into a 'sys' error with `check`.
//
// Declarations are resolved lazily, on first call: commands like `state` and `list` never
// touch libc and should not pay for loading koffi. The init calls `openLibc()` at start: after
// pivot_root neither koffi's module nor libc is reachable, but a declaration needs no file (it
// parses its text and looks the symbol up in the open library), so each still resolves on its
// first call (declaring all of them at once took the init 10-20 ms, traced).
import type * as Koffi from 'koffi';
import { join } from 'node:path';
import { isCompiled, libDir } from '../engine/layout.js';
import { sysError } from './errors.js';

let mod: typeof Koffi | undefined;
let lib: Koffi.LibraryHandle | undefined;

/** koffi's native module by its absolute path in runts' own tree (engine/layout.ts): the
 * compiled runts never unpacks a module into a temp dir, and koffi's index (which detects the
 * platform by probing paths) is skipped. Under Node (tests only) koffi's package loads as usual. */
function loadKoffi(): typeof Koffi {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (isCompiled()) {
    // process.dlopen, not require: Bun's resolver would first scan the directories above it
    const m = { exports: {} };
    process.dlopen(m, join(libDir(), 'koffi.node'));
    return m.exports as typeof Koffi;
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
function lazyLibrary(load: () => Koffi.LibraryHandle): { func(decl: string): LazyFn } {
  return {
    func(decl: string): LazyFn {
      let real: ((...a: unknown[]) => unknown) | undefined;
      const resolve = () => (real ??= load().func(decl) as (...a: unknown[]) => unknown);
      const fn = ((...args: unknown[]) => resolve()(...args)) as LazyFn;
      fn.async = (...args: unknown[]) => { (resolve() as unknown as { async: (...a: unknown[]) => void }).async(...args); };
      return fn;
    },
  };
}

export const libc = lazyLibrary(library);

/** Another shared library (src/seccomp: libseccomp.so.2), opened on the first call of one of its functions. */
export function sharedLibrary(name: string): { func(decl: string): LazyFn } {
  let handle: Koffi.LibraryHandle | undefined;
  return lazyLibrary(() => (handle ??= koffiModule().load(name)));
}

export const koffi = {
  errno: (): number => koffiModule().errno(),
  /** The address of a Buffer's memory, for pointers inside structs (recvmsg's msghdr). */
  address: (b: Buffer): bigint => koffiModule().address(b),
  /** The C string a pointer stored at buf[offset] points to (null for NULL). */
  cString: (buf: Buffer, offset: number): string | null => koffiModule().decode(buf, offset, 'const char *') as string | null,
};

/** Loads koffi's module and opens libc now (the init, before pivot_root). */
export function openLibc(): void {
  library();
}

/** Throws sysError(op, errno, path) when a libc call returned -1 (or any negative value). */
export function check(ret: number, op: string, path?: string): number {
  if (ret < 0) throw sysError(op, koffi.errno(), path);
  return ret;
}
