// run: create + start, then (in the foreground) stay attached to the init (src/container/
// foreground.ts), delete the container unless --keep, and return the process's exit status.
import { create, type CreateOpts } from './create.js';
import { deleteContainer } from './delete.js';
import { attach, SignalForwarder } from './foreground.js';
import { start } from './start.js';

export async function run(o: CreateOpts & { detach: boolean; keep: boolean }): Promise<number> {
  const signals = o.detach ? undefined : new SignalForwarder();
  const { saved, console } = create({ ...o, foreground: !o.detach });
  try { start(o.root, o.id); } catch (e) {
    if (!o.keep) deleteContainer(o.root, o.id, true);
    throw e;
  }
  if (!signals) return 0;
  const status = await attach(signals, saved.pid, saved.startTime, console);
  if (!o.keep) deleteContainer(o.root, o.id, true);
  return status;
}
