// start, state, kill, delete: each parses its arguments and makes one library call.
import { deleteContainer } from '../../container/delete.js';
import { kill } from '../../container/kill.js';
import { start } from '../../container/start.js';
import { containerState } from '../../container/state.js';
import { parseSignal } from '../signal.js';
import { out } from '../log.js';
import type { Command } from '../command.js';

export const startCmd: Command = {
  name: 'start', usage: 'start <container-id>', args: [1, 1], options: {},
  run: (g, _o, [id]) => { start(g.root, id); },
};

export const stateCmd: Command = {
  name: 'state', usage: 'state <container-id>', args: [1, 1], options: {},
  run: (g, _o, [id]) => { out(JSON.stringify(containerState(g.root, id), null, '  ') + '\n'); },
};

export const killCmd: Command = {
  name: 'kill', usage: 'kill [command options] <container-id> [signal]', args: [1, 2],
  options: { all: { type: 'boolean', alias: 'a' } },
  run: (g, o, [id, sig]) => { kill(g.root, id, parseSignal(sig ?? 'SIGTERM'), !!o.all); },
};

export const deleteCmd: Command = {
  name: 'delete', usage: 'delete [command options] <container-id>', args: [1, 1],
  options: { force: { type: 'boolean', alias: 'f' } },
  run: (g, o, [id]) => { deleteContainer(g.root, id, !!o.force); },
};
