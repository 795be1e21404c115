import { run } from '../../container/run.js';
import { createOptions, createParams } from './create-opts.js';
import type { Command } from '../command.js';

export const runCmd: Command = {
  name: 'run', usage: 'run [command options] <container-id>', args: [1, 1],
  options: { ...createOptions, detach: { type: 'boolean', alias: 'd' }, keep: { type: 'boolean' } },
  run: (g, o, [id]) => run({ ...createParams(g, o, id), detach: !!o.detach, keep: !!o.keep }),
};
