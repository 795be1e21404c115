// update: apply new linux.resources to a running container's cgroups and remember them.
import { parseJsonText } from '../spec/json-text.js';
import { readInputFile } from '../spec/read-input.js';
import { checkResources } from '../spec/check/resources.js';
import type { Resources } from '../spec/types.js';
import { errNotRunning } from './errors.js';
import { savedCgroup } from './cgroup.js';
import { readSaved, stateDir, writeSaved } from './store.js';
import { status } from './status.js';
import { RuntsError } from '../errors.js';

/** Reads LinuxResources JSON from a file, or stdin for "-", checked (src/spec/check/resources.ts). */
export function readResources(file: string): Resources {
  const what = file === '-' ? 'resources on stdin' : file;
  const fail = (msg: string) => new RuntsError('runtime', msg);
  return checkResources(parseJsonText(readInputFile(file, what, fail, { pipe: true }), what, fail), what);
}

function merge<T extends object>(a: T | undefined, b: T | undefined): T | undefined {
  if (!b) return a;
  const out: Record<string, unknown> = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? merge(out[k] as object | undefined, v as object) : v;
  }
  return out as T;
}

/** res: checked resources (readResources, and the flags' values by checkResources). */
export function update(root: string, id: string, res: Resources): void {
  const dir = stateDir(root, id);
  const saved = readSaved(root, id);
  if (status(dir, saved) === 'stopped') throw errNotRunning();
  const cg = savedCgroup(saved);
  if (!cg) throw new RuntsError('runtime', 'container has no cgroup to update');
  const all = merge(saved.spec.linux?.resources, res);
  cg.set(res, all);
  saved.spec.linux = { ...saved.spec.linux, resources: all };
  writeSaved(dir, saved);
}
