// Host and NIS domain names of the calling process's UTS namespace.
import { check, libc } from './libc.js';

const c = {
  sethostname: libc.func('int sethostname(const char *, size_t)'),
  setdomainname: libc.func('int setdomainname(const char *, size_t)'),
};

export function sethostname(name: string): void {
  check(c.sethostname(name, Buffer.byteLength(name)), 'sethostname', name);
}

export function setdomainname(name: string): void {
  check(c.setdomainname(name, Buffer.byteLength(name)), 'setdomainname', name);
}
