// start, state, kill, delete: each parses its arguments and makes one library call.
import { deleteContainer } from '../../container/delete.js';
import { kill } from '../../container/kill.js';
import { start } from '../../container/start.js';
import { containerState } from '../../container/state.js';
import { parseSignal } from '../signal.js';
import { out } from '../log.js';
import type { Command } from '../command.js';

export const startCmd: Command = {
  name: 'start', usage: 'start <container-id>', summary: 'run the process of a created container', args: [1, 1], options: {},
  run: (g, _o, [id]) => { start(g.root, id); },
};

export const stateCmd: Command = {
  name: 'state', usage: 'state <container-id>', summary: 'print the state of a container as JSON', args: [1, 1], options: {},
  run: (g, _o, [id]) => { out(JSON.stringify(containerState(g.root, id), null, '  ') + '\n'); },
};

export const killCmd: Command = {
  name: 'kill', usage: 'kill [command options] <container-id> [signal]',
  summary: 'send a signal (SIGTERM unless named; a name or a number) to the container\'s init', args: [1, 2],
  options: { all: { type: 'boolean', alias: 'a', describe: 'send the signal to every process in the container\'s cgroup' } },
  run: (g, o, [id, sig]) => { kill(g.root, id, parseSignal(sig ?? 'SIGTERM'), !!o.all); },
};

export const deleteCmd: Command = {
  name: 'delete', usage: 'delete [command options] <container-id>', summary: 'remove a container and what it holds', args: [1, 1],
  options: { force: { type: 'boolean', alias: 'f', describe: 'delete even a container that runs (its processes get SIGKILL)' } },
  run: (g, o, [id]) => { deleteContainer(g.root, id, !!o.force); },
};
