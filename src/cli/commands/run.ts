import { run } from '../../container/run.js';
import { createOptions, createParams } from './create-opts.js';
import type { Command } from '../command.js';

export const runCmd: Command = {
  name: 'run', usage: 'run [command options] <container-id>', args: [1, 1], summary: 'create and start a container',
  options: { ...createOptions, detach: { type: 'boolean', alias: 'd', describe: 'return once the container runs' },
    keep: { type: 'boolean', describe: 'keep the container after it stops (foreground only)' },
    'no-subreaper': { type: 'boolean', describe: 'accepted: runts never makes itself a subreaper (conformance/DEVIATIONS.md)' } },
  run: (g, o, [id]) => run({ ...createParams(g, o, id), detach: !!o.detach, keep: !!o.keep }),
};
