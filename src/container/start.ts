// start: connect to the exec socket that runts-finalize waits on, release it, and learn from
// the connection whether the process was exec'd (EOF) or why not (an error text).
import { closeSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { connectUnix } from '../linux/fd.js';
import { runHooks } from '../linux/run-hook.js';
import { RuntimeError } from './errors.js';
import { killAndReap } from './destroy.js';
import { EXEC_SOCK, readSaved, stateDir, withLock, type Saved } from './store.js';
import { stateDoc, status } from './status.js';

function release(dir: string): string {
  const cwd = process.cwd();
  process.chdir(dir);
  let fd: number;
  try {
    fd = connectUnix(EXEC_SOCK);
    unlinkSync(EXEC_SOCK);
  } finally { process.chdir(cwd); }
  try {
    writeSync(fd, Buffer.from([0]));
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(4096);
    for (let n; (n = readSync(fd, buf)) > 0;) chunks.push(Buffer.from(buf.subarray(0, n)));
    return Buffer.concat(chunks).toString();
  } finally { closeSync(fd); }
}

export function start(root: string, id: string): Saved {
  const dir = stateDir(root, id);
  const saved = readSaved(root, id);
  withLock(dir, () => {
    const st = status(dir, saved);
    if (st === 'stopped') throw new RuntimeError('cannot start a container that has stopped');
    if (st !== 'created') throw new RuntimeError('cannot start an already running container');
    const failure = release(dir);
    if (failure) throw new RuntimeError(failure);
  });
  try {
    runHooks(saved.spec.hooks?.poststart, JSON.stringify(stateDoc(saved, 'running')), 'poststart');
  } catch (e) {
    killAndReap(saved.pid);
    throw e;
  }
  return saved;
}
