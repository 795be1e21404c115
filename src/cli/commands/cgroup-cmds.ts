// pause, resume, ps, update, events: each parses its arguments and makes one library call.
import { statsEvent, streamEvents } from '../../container/events.js';
import { pause, resume } from '../../container/pause.js';
import { containerPids, psTable } from '../../container/ps.js';
import { readResources, update } from '../../container/update.js';
import { resourcesFromFlags, UPDATE_FLAGS } from '../../spec/check/update-flags.js';
import { parseGoDuration } from '../duration.js';
import { goJson } from '../go-json.js';
import { out } from '../log.js';
import type { Command } from '../command.js';
import { RuntsError } from '../../errors.js';

export const pauseCmd: Command = {
  name: 'pause', usage: 'pause <container-id>', summary: 'freeze every process of a container', args: [1, 1], options: {},
  run: (g, _o, [id]) => { pause(g.root, id); },
};

export const resumeCmd: Command = {
  name: 'resume', usage: 'resume <container-id>', summary: 'thaw a paused container', args: [1, 1], options: {},
  run: (g, _o, [id]) => { resume(g.root, id); },
};

export const psCmd: Command = {
  name: 'ps', usage: 'ps [command options] <container-id> [ps options]', args: [1, Infinity],
  summary: 'list the processes of a container', keepOrder: true,
  options: { format: { type: 'string', alias: 'f', default: 'table', describe: 'table (ps\'s own output) or json (the pids)' } },
  run: (g, o, [id, ...psArgs]) => {
    const pids = containerPids(g.root, id);
    if (o.format === 'json') { out(JSON.stringify(pids.length ? pids : null) + '\n'); return; } // Go's nil slice
    if (o.format !== 'table') throw new RuntsError('usage', `invalid format option: ${o.format}`);
    out(psTable(pids, psArgs));
  },
};

/** --interval: a Go duration (as runc's flag), above zero. */
function parseInterval(text: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined) throw new RuntsError('usage', `invalid value "${text}" for flag -interval: parse error`);
  if (ms <= 0) throw new RuntsError('usage', 'duration interval must be greater than 0');
  return ms;
}

export const eventsCmd: Command = {
  name: 'events', usage: 'events [command options] <container-id>', args: [1, 1],
  summary: 'print a container\'s resource usage and OOM events as JSON lines',
  options: {
    stats: { type: 'boolean', describe: 'print the usage once and exit' },
    interval: { type: 'string', default: '5s', describe: 'how often usage is printed (a Go duration: 1s, 1m30s)' },
  },
  run: async (g, o, [id]) => {
    if (o.stats) { out(goJson(statsEvent(g.root, id)) + '\n'); return; }
    await streamEvents(g.root, id, parseInterval(o.interval as string), (e) => out(goJson(e) + '\n'));
  },
};

export const updateCmd: Command = {
  name: 'update', usage: 'update [command options] <container-id>', args: [1, 1], summary: 'change a container\'s resource limits',
  options: {
    resources: { type: 'string', alias: 'r', describe: 'a JSON file with linux.resources (- for stdin)' },
    ...Object.fromEntries(Object.entries(UPDATE_FLAGS).map(([k, [g, f]]) => [k, { type: 'string' as const, describe: `sets linux.resources.${g}.${f}` }])),
  },
  run: (g, o, [id]) => {
    const res: Record<string, object | undefined> = o.resources ? readResources(o.resources as string) as never : {};
    const values = Object.fromEntries(Object.keys(UPDATE_FLAGS).filter((f) => o[f] !== undefined).map((f) => [f, String(o[f])]));
    // the flags override the file's fields, one by one
    for (const [group, fields] of Object.entries(resourcesFromFlags(values))) res[group] = { ...res[group], ...fields };
    update(g.root, id, res);
  },
};
