// runts [global options] command [command options] [arguments...] — runc's command line.
// Parses, dispatches to one command, and is the one place that logs an error and exits. The
// table of commands, each loaded when it runs, is main.ts's.
import { OCI_VERSION } from '../spec/types.js';
import { parseArgs, requireArgs, UsageError, type OptSpec } from './args.js';
import type { Command, Globals } from './command.js';
import { log, out, setupLog } from './log.js';
import { step } from '../engine/trace.js';

declare const RUNTS_VERSION: string, RUNTS_COMMIT: string;

export const GLOBAL: OptSpec = {
  root: { type: 'string', default: '/run/runts' }, log: { type: 'string' },
  'log-format': { type: 'string', default: 'text' }, debug: { type: 'boolean' },
  'systemd-cgroup': { type: 'boolean' }, rootless: { type: 'string' }, criu: { type: 'string' },
  help: { type: 'boolean', alias: 'h' }, version: { type: 'boolean', alias: 'v' },
};

/** Commands of runc that runts does not have yet: they say so instead of pretending. */
const MISSING: Record<string, string> = { checkpoint: 'checkpoint', restore: 'restore' };

function version(): string {
  return `runts version ${RUNTS_VERSION}\ncommit: ${RUNTS_COMMIT}\nspec: ${OCI_VERSION}\n`;
}

/** A command by its name; its module is loaded by load(). */
export interface CommandEntry { name: string; load(): Command }

function help(commands: CommandEntry[]): string {
  return ['usage: runts [global options] command [command options] [arguments...]', '', 'commands:',
    ...commands.map((c) => `   ${c.load().usage}`), ''].join('\n');
}

async function main(argv: string[], commands: CommandEntry[]): Promise<number> {
  const g = parseArgs(argv, GLOBAL);
  setupLog({ log: g.opts.log as string | undefined, logFormat: g.opts['log-format'] as string, debug: !!g.opts.debug });
  if (g.opts.version) { out(version()); return 0; }
  const [name, ...rest] = g.args;
  if (!name || g.opts.help) { out(help(commands)); return name ? 0 : 1; }
  const cmd = commands.find((c) => c.name === name)?.load();
  if (!cmd) {
    if (MISSING[name]) throw new Error(`${name} is not implemented in runts yet`);
    throw new UsageError(`No help topic for '${name}'`);
  }
  const globals: Globals = { root: g.opts.root as string, systemdCgroup: !!g.opts['systemd-cgroup'], debug: !!g.opts.debug };
  try {
    step(`${name} loaded`);
    const p = parseArgs(rest, cmd.options);
    requireArgs(name, p.args, cmd.args[0], cmd.args[1]);
    return (await cmd.run(globals, p.opts, p.args)) ?? 0;
  } catch (e) {
    throw Object.assign(e as Error, { status: cmd.errorStatus ?? 1 });
  }
}

export function runCli(commands: CommandEntry[]): void {
  main(process.argv.slice(2), commands).then(
    (code) => { step('exit'); process.exit(code); },
    (e: Error & { status?: number }) => { log('error', e.message); process.exit(e.status ?? 1); },
  );
}
