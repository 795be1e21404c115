// run: create + start, then (in the foreground) forward signals to the init, wait for it,
// delete the container unless --keep, and return the process's exit status (128+N: signal N).
import { constants } from 'node:os';
import { exitCode, signalIfSame, waitChild } from '../linux/process.js';
import { create, type CreateOpts } from './create.js';
import { deleteContainer } from './delete.js';
import { start } from './start.js';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const;

export async function run(o: CreateOpts & { detach: boolean; keep: boolean }): Promise<number> {
  const saved = create({ ...o, foreground: !o.detach });
  try { start(o.root, o.id); } catch (e) {
    if (!o.keep) deleteContainer(o.root, o.id, true);
    throw e;
  }
  if (o.detach) return 0;
  for (const sig of FORWARDED) process.on(sig, () => signalIfSame(saved.pid, saved.startTime, constants.signals[sig]));
  const status = await waitChild(saved.pid);
  if (!o.keep) deleteContainer(o.root, o.id, true);
  return exitCode(status);
}
