// start, state, kill, delete: each parses its arguments and makes one library call.
import { constants } from 'node:os';
import { deleteContainer } from '../../container/delete.js';
import { kill } from '../../container/kill.js';
import { start } from '../../container/start.js';
import { containerState } from '../../container/state.js';
import { UsageError } from '../args.js';
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

/** A signal by name (with or without SIG) or number, as runc's kill takes it. */
export function parseSignal(text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n > 0 && n <= 64) return n;
  } else {
    const name = text.toUpperCase().startsWith('SIG') ? text.toUpperCase() : 'SIG' + text.toUpperCase();
    const n = (constants.signals as Record<string, number>)[name];
    if (n) return n;
  }
  throw new UsageError(`unknown signal "${text}"`);
}

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
