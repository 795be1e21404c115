// linux.sysctl: only keys that belong to a namespace the container has of its own are
// allowed (runc's rule): the IPC keys and fs.mqueue.* need an ipc namespace, net.* a network
// namespace that is not the host's, kernel.hostname/domainname a uts namespace.
import { statSync } from 'node:fs';
import { RuntsError } from '../../errors.js';
import type { Namespace, Spec } from '../types.js';

const IPC_KEYS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall',
  'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);
const UTS_KEYS = new Set(['kernel.hostname', 'kernel.domainname']);

function nsOf(key: string): Namespace['type'] | undefined {
  if (IPC_KEYS.has(key) || key.startsWith('fs.mqueue.')) return 'ipc';
  if (key.startsWith('net.')) return 'network';
  if (UTS_KEYS.has(key)) return 'uts';
  return undefined;
}

function sameInode(a: string, b: string): boolean {
  try { const x = statSync(a), y = statSync(b); return x.ino === y.ino && x.dev === y.dev; } catch { return false; }
}

/** Throws for a sysctl the container's namespaces do not make its own. */
export function checkSysctls(spec: Spec): void {
  const nss = spec.linux?.namespaces ?? [];
  for (const key of Object.keys(spec.linux?.sysctl ?? {})) {
    const type = nsOf(key);
    if (!type) throw new RuntsError('config', `sysctl "${key}" is not in a separate kernel namespace`);
    const ns = nss.find((n) => n.type === type);
    if (!ns) throw new RuntsError('config', `sysctl "${key}" is not allowed as it requires a new ${type} namespace`);
    if (type === 'network' && ns.path && sameInode(ns.path, '/proc/self/ns/net')) {
      throw new RuntsError('config', `sysctl "${key}" is not allowed in the host's network namespace`);
    }
  }
}
