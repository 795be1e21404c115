// runts [global options] command [command options] [arguments...] — runc's command line.
// Parses, dispatches to one command, and is the one place that logs an error and exits. The
// table of commands, each loaded when it runs, is main.ts's.
import { OCI_VERSION } from '../spec/types.js';
import { parseArgs, reorderArgs, requireArgs, type OptSpec } from './args.js';
import { commandHelp, globalHelp } from './help.js';
import type { Command, Globals } from './command.js';
import { log, out, setupLog } from './log.js';
import { errorLine } from '../linux/errors.js';
import { step } from '../engine/trace.js';
import { asKind, exitStatus, RuntsError } from '../errors.js';

declare const RUNTS_VERSION: string, RUNTS_COMMIT: string;

export const GLOBAL: OptSpec = {
  root: { type: 'string', default: '/run/runts' }, log: { type: 'string' },
  'log-format': { type: 'string', default: 'text' }, debug: { type: 'boolean' },
  'systemd-cgroup': { type: 'boolean' }, rootless: { type: 'string' }, criu: { type: 'string' },
  help: { type: 'boolean', alias: 'h' }, version: { type: 'boolean', alias: 'v' },
};

function version(): string {
  return `runts version ${RUNTS_VERSION}\ncommit: ${RUNTS_COMMIT}\nspec: ${OCI_VERSION}\n`;
}

/** A command by its name; its module is loaded by load(). */
export interface CommandEntry { name: string; load(): Command }

const HELP: OptSpec = { help: { type: 'boolean', alias: 'h' } };
const loadAll = (commands: CommandEntry[]) => commands.map((c) => c.load());

/** `runts help [CMD]`, `runts CMD --help`: the text, or undefined when no help was asked. */
function helpText(commands: CommandEntry[], name: string, rest: string[], cmd?: Command): string | undefined {
  if (name === 'help' || name === 'h') {
    const c = commands.find((x) => x.name === rest[0])?.load();
    if (rest[0] && !c) throw new RuntsError('usage', `No help topic for '${rest[0]}'`);
    return c ? commandHelp(c) : globalHelp(loadAll(commands));
  }
  if (!cmd) return undefined;
  const spec = { ...cmd.options, ...HELP };
  const p = parseArgs(cmd.keepOrder ? rest : reorderArgs(rest, spec), spec);
  return p.opts.help ? commandHelp(cmd) : undefined;
}

async function main(argv: string[], commands: CommandEntry[]): Promise<number> {
  const g = parseArgs(argv, GLOBAL);
  setupLog({ log: g.opts.log as string | undefined, logFormat: g.opts['log-format'] as string, debug: !!g.opts.debug });
  if (g.opts.version) { out(version()); return 0; }
  const [name, ...rest] = g.args;
  if (!name || g.opts.help) { out(globalHelp(loadAll(commands))); return 0; }
  const cmd = commands.find((c) => c.name === name)?.load();
  if (!cmd) {
    const text = helpText(commands, name, rest);
    if (text !== undefined) { out(text); return 0; }
    throw new RuntsError('usage', `No help topic for '${name}'`);
  }
  const globals: Globals = { root: g.opts.root as string, systemdCgroup: !!g.opts['systemd-cgroup'], debug: !!g.opts.debug,
    criu: (g.opts.criu as string | undefined) || undefined };
  try {
    step(`${name} loaded`);
    const text = helpText(commands, name, rest, cmd);
    if (text !== undefined) { out(text); return 0; }
    const p = parseArgs(cmd.keepOrder ? rest : reorderArgs(rest, cmd.options), cmd.options);
    requireArgs(name, p.args, cmd.args[0], cmd.args[1]);
    return (await cmd.run(globals, p.opts, p.args)) ?? 0;
  } catch (e) {
    throw cmd.errorKind ? asKind(e, cmd.errorKind) : e;
  }
}

export function runCli(commands: CommandEntry[]): void {
  main(process.argv.slice(2), commands).then(
    (code) => { step('exit'); process.exit(code); },
    (e: unknown) => { log('error', errorLine(e)); process.exit(exitStatus(e)); },
  );
}
