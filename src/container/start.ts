// start: connect to the exec socket that runts-finalize waits on, release it, and learn from
// the connection whether the process was exec'd (EOF) or why not (ERROR); a seccomp listener
// it reports on the way goes to the profile's agent.
import { closeSync, existsSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { connectUnixPath } from '../linux/fd.js';
import { runHooks } from '../linux/run-hook.js';
import { destroy } from './destroy.js';
import { EXEC_SOCK, readSaved, stateDir, withLock, type Saved } from './store.js';
import { stateDoc, status } from './status.js';
import { awaitExec } from './await-exec.js';
import { sendListener } from '../seccomp/listener.js';
import { RuntsError } from '../errors.js';

function release(dir: string, saved: Saved): string {
  const fd = connectUnixPath(join(dir, EXEC_SOCK));
  try {
    unlinkSync(join(dir, EXEC_SOCK));
    writeSync(fd, Buffer.from([0]));
    // the seccomp agent gets the init's pid and the state "creating", as from runc
    return awaitExec(fd, (n) => sendListener(saved.spec.linux?.seccomp, saved.pid, n, stateDoc(saved, 'creating')));
  } finally { closeSync(fd); }
}

/** runtime.md steps 7 and 9: when a startContainer hook (or the exec after it) or a poststart
 * hook fails, the container is stopped and the lifecycle continues at step 12: destroy, then the
 * poststop hooks. The poststart hooks run without the lock (a hook may call the runtime). */
export function start(root: string, id: string): Saved {
  const dir = stateDir(root, id);
  const saved = readSaved(root, id);
  withLock(dir, () => {
    const st = status(dir, saved);
    if (st === 'stopped') throw new RuntsError('runtime', 'cannot start a container that has stopped');
    if (st !== 'created') throw new RuntsError('runtime', 'cannot start an already running container');
    // Refused before the init is released, so that the container stays as it was (runtime.md:
    // a failed operation has no effect on the container).
    if (!saved.spec.process) throw new RuntsError('runtime', 'cannot start a container that has no process: config.json has no "process"');
    const failure = release(dir, saved);
    if (failure) {
      destroy(dir, saved);
      throw new RuntsError('runtime', failure);
    }
  });
  try {
    runHooks(saved.spec.hooks?.poststart, JSON.stringify(stateDoc(saved, 'running')), 'poststart', saved.bundle);
  } catch (e) {
    if (existsSync(dir)) withLock(dir, () => destroy(dir, saved));
    throw e;
  }
  return saved;
}
