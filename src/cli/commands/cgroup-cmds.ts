// pause, resume, ps, update, events: each parses its arguments and makes one library call.
import { statsEvent, streamEvents } from '../../container/events.js';
import { pause, resume } from '../../container/pause.js';
import { containerPids, psTable } from '../../container/ps.js';
import { readResources, update } from '../../container/update.js';
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

/** runc's per-field update flags, as paths into LinuxResources. */
const FIELD_FLAGS: Record<string, [string, string]> = {
  memory: ['memory', 'limit'], 'memory-reservation': ['memory', 'reservation'], 'memory-swap': ['memory', 'swap'],
  'kernel-memory': ['memory', 'kernel'], 'kernel-memory-tcp': ['memory', 'kernelTCP'],
  'cpu-share': ['cpu', 'shares'], 'cpu-shares': ['cpu', 'shares'], 'cpu-quota': ['cpu', 'quota'], 'cpu-period': ['cpu', 'period'],
  'cpu-burst': ['cpu', 'burst'], 'cpu-idle': ['cpu', 'idle'],
  'cpu-rt-runtime': ['cpu', 'realtimeRuntime'], 'cpu-rt-period': ['cpu', 'realtimePeriod'],
  'cpuset-cpus': ['cpu', 'cpus'], 'cpuset-mems': ['cpu', 'mems'], 'blkio-weight': ['blockIO', 'weight'],
  'pids-limit': ['pids', 'limit'],
};
const STRING_FIELDS = new Set(['cpuset-cpus', 'cpuset-mems']);
const BYTE_FIELDS = new Set(['memory', 'memory-reservation', 'memory-swap', 'kernel-memory', 'kernel-memory-tcp']);
const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** runc's byte sizes (go-units RAMInBytes): "1024", "100m", "1.5GiB", "2 kb"; "-1" is unlimited. */
function bytes(flag: string, v: string): number {
  if (v === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(v);
  if (!m) throw new RuntsError('usage', `invalid value for ${flag}: invalid size: '${v}'`);
  return Math.trunc(Number(m[1]) * UNITS[m[2].toLowerCase()]);
}

function fieldValue(flag: string, v: string): string | number {
  if (STRING_FIELDS.has(flag)) return v;
  if (BYTE_FIELDS.has(flag)) return bytes(flag, v);
  if (!/^-?\d+$/.test(v)) throw new RuntsError('usage', `invalid value for --${flag}: ${v}`);
  return Number(v);
}

export const updateCmd: Command = {
  name: 'update', usage: 'update [command options] <container-id>', args: [1, 1], summary: 'change a container\'s resource limits',
  options: {
    resources: { type: 'string', alias: 'r', describe: 'a JSON file with linux.resources (- for stdin)' },
    ...Object.fromEntries(Object.entries(FIELD_FLAGS).map(([k, [g, f]]) => [k, { type: 'string' as const, describe: `sets linux.resources.${g}.${f}` }])),
  },
  run: (g, o, [id]) => {
    const res: Record<string, Record<string, unknown>> = o.resources ? readResources(o.resources as string) as never : {};
    for (const [flag, [group, field]] of Object.entries(FIELD_FLAGS)) {
      if (o[flag] === undefined) continue;
      (res[group] ??= {})[field] = fieldValue(flag, String(o[flag]));
    }
    update(g.root, id, res);
  },
};
