import { listContainers, type ListEntry } from '../../container/state.js';
import { out } from '../log.js';
import type { Command } from '../command.js';
import { RuntsError } from '../../errors.js';

/** Columns padded as Go's tabwriter(minwidth 12, padding 3) pads them in runc. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(12, ...rows.map((r) => r[c].length + 3)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('')).join('\n') + '\n';
}

function row(e: ListEntry): string[] {
  return [e.id, String(e.pid), e.status, e.bundle, e.created, e.owner];
}

export const listCmd: Command = {
  name: 'list', usage: 'list [command options]', args: [0, 0], summary: 'list the containers under the root',
  options: {
    format: { type: 'string', alias: 'f', default: 'table', describe: 'table or json' },
    quiet: { type: 'boolean', alias: 'q', describe: 'print the ids only' },
  },
  run: (g, o) => {
    const list = listContainers(g.root);
    if (o.quiet) { out(list.map((e) => e.id + '\n').join('')); return; }
    if (o.format === 'json') { out(JSON.stringify(list.length ? list : null) + '\n'); return; }
    if (o.format !== 'table') throw new RuntsError('usage', `invalid format option: ${o.format}`);
    out(table([['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'], ...list.map(row)]));
  },
};
