// pause, resume, ps, update, events: each parses its arguments and makes one library call.
import { statsEvent, streamEvents } from '../../container/events.js';
import { pause, resume } from '../../container/pause.js';
import { containerPids, psTable } from '../../container/ps.js';
import { readResources, update } from '../../container/update.js';
import { UsageError } from '../args.js';
import { out } from '../log.js';
import type { Command } from '../command.js';

export const pauseCmd: Command = {
  name: 'pause', usage: 'pause <container-id>', args: [1, 1], options: {},
  run: (g, _o, [id]) => { pause(g.root, id); },
};

export const resumeCmd: Command = {
  name: 'resume', usage: 'resume <container-id>', args: [1, 1], options: {},
  run: (g, _o, [id]) => { resume(g.root, id); },
};

export const psCmd: Command = {
  name: 'ps', usage: 'ps [command options] <container-id> [ps options]', args: [1, Infinity],
  options: { format: { type: 'string', alias: 'f', default: 'table' } },
  run: (g, o, [id, ...psArgs]) => {
    const pids = containerPids(g.root, id);
    if (o.format === 'json') { out(JSON.stringify(pids) + '\n'); return; }
    if (o.format !== 'table') throw new UsageError(`invalid format option: ${o.format}`);
    out(psTable(pids, psArgs));
  },
};

function parseInterval(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (!m) throw new UsageError(`invalid value "${text}" for flag -interval`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60000 }[m[2] ?? 's'] ?? 1000);
}

export const eventsCmd: Command = {
  name: 'events', usage: 'events [command options] <container-id>', args: [1, 1],
  options: { stats: { type: 'boolean' }, interval: { type: 'string', default: '5s' } },
  run: async (g, o, [id]) => {
    if (o.stats) { out(JSON.stringify(statsEvent(g.root, id)) + '\n'); return; }
    await streamEvents(g.root, id, parseInterval(o.interval as string), (e) => out(JSON.stringify(e) + '\n'));
  },
};

/** runc's per-field update flags, as paths into LinuxResources. */
const FIELD_FLAGS: Record<string, [string, string]> = {
  memory: ['memory', 'limit'], 'memory-reservation': ['memory', 'reservation'], 'memory-swap': ['memory', 'swap'],
  'kernel-memory': ['memory', 'kernel'], 'kernel-memory-tcp': ['memory', 'kernelTCP'],
  'cpu-share': ['cpu', 'shares'], 'cpu-shares': ['cpu', 'shares'], 'cpu-quota': ['cpu', 'quota'], 'cpu-period': ['cpu', 'period'],
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
  if (!m) throw new UsageError(`invalid value for ${flag}: invalid size: '${v}'`);
  return Math.trunc(Number(m[1]) * UNITS[m[2].toLowerCase()]);
}

function fieldValue(flag: string, v: string): string | number {
  if (STRING_FIELDS.has(flag)) return v;
  if (BYTE_FIELDS.has(flag)) return bytes(flag, v);
  if (!/^-?\d+$/.test(v)) throw new UsageError(`invalid value for --${flag}: ${v}`);
  return Number(v);
}

export const updateCmd: Command = {
  name: 'update', usage: 'update [command options] <container-id>', args: [1, 1],
  options: {
    resources: { type: 'string', alias: 'r' },
    ...Object.fromEntries(Object.keys(FIELD_FLAGS).map((k) => [k, { type: 'string' as const }])),
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
