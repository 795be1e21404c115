// The one place koffi loads libc. Other files in src/linux declare the functions they need
// with `libc.func(...)` and turn a -1 return into a SysError with `check`.
import koffi from 'koffi';
import { SysError } from './errors.js';

export { koffi };
export const libc = koffi.load('libc.so.6');

/** Throws SysError(op, errno, path) when a libc call returned -1 (or any negative value). */
export function check(ret: number, op: string, path?: string): number {
  if (ret < 0) throw new SysError(op, koffi.errno(), path);
  return ret;
}
