// Extended attributes: setxattr(2) (follows symlinks, so /proc/self/fd/N reaches the fd's file).
import { check, libc } from './libc.js';

const c = { setxattr: libc.func('int setxattr(const char *, const char *, const char *, size_t, int)') };

/** setxattr(path, name, value); errors name the attribute and `what` (a container path). */
export function setxattr(path: string, name: string, value: string, what: string): void {
  check(c.setxattr(path, name, value, Buffer.byteLength(value), 0), `setxattr ${name}`, what);
}
