// state and list: what runc prints for one container, and for all under the root.
import { readdirSync } from 'node:fs';
import { readSaved, stateDir, type Saved } from './store.js';
import { status, stateDoc } from './status.js';
import type { Status } from '../spec/types.js';

/** runc's state output: the spec's state plus rootfs, created and owner; pid 0 once stopped. */
export function containerState(root: string, id: string): Record<string, unknown> {
  const s = readSaved(root, id);
  return describe(s, status(stateDir(root, id), s));
}

function describe(s: Saved, st: Status): Record<string, unknown> {
  const doc = stateDoc(s, st);
  return {
    ociVersion: doc.ociVersion, id: doc.id, pid: doc.pid ?? 0, status: st, bundle: s.bundle,
    rootfs: s.rootfs, created: s.created, ...(doc.annotations ? { annotations: doc.annotations } : {}), owner: s.owner,
  };
}

export interface ListEntry { id: string; pid: number; status: Status; bundle: string; created: string; owner: string }

/** `list`: every container under root, as `state` describes it (runc's list --format json). */
export function listContainers(root: string): (ListEntry & Record<string, unknown>)[] {
  let ids: string[];
  try { ids = readdirSync(root).sort(); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []; // no container was ever made
    throw e; // a root that is not a readable directory
  }
  const out: (ListEntry & Record<string, unknown>)[] = [];
  for (const id of ids) {
    let s: Saved;
    try { s = readSaved(root, id); } catch { continue; }
    out.push(describe(s, status(stateDir(root, id), s)) as ListEntry & Record<string, unknown>);
  }
  return out;
}
