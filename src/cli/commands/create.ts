import { create } from '../../container/create.js';
import { createOptions, createParams } from './create-opts.js';
import type { Command } from '../command.js';

export const createCmd: Command = {
  name: 'create', usage: 'create [command options] <container-id>', args: [1, 1], summary: 'create a container (its process waits for start)',
  options: createOptions,
  run: (g, opts, [id]) => { create(createParams(g, opts, id)); },
};
