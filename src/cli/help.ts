// Usage texts: `runts --help` / `runts help` (every command) and `runts help CMD` /
// `runts CMD --help` (one command and its options), laid out as runc's (urfave/cli) are.
import type { OptDef, OptSpec } from './args.js';
import type { Command } from './command.js';

const GLOBAL_HELP: [string, string][] = [
  ['--debug', 'enable debug logging'],
  ['--log value', 'set the log file to write runts logs to (default is \'/dev/stderr\')'],
  ['--log-format value', 'set the log format (\'text\' (default), or \'json\') (default: "text")'],
  ['--root value', 'root directory for storage of container state (this should be located in tmpfs) (default: "/run/runts")'],
  ['--criu value', 'path to the criu binary used for checkpoint and restore (default: "criu")'],
  ['--systemd-cgroup', 'enable systemd cgroup support, expects cgroupsPath to be of form "slice:prefix:name" for e.g. "system.slice:runts:434234"'],
  ['--rootless value', 'ignore cgroup permission errors (\'true\', \'false\', or \'auto\') (default: "auto")'],
  ['--help, -h', 'show help'],
  ['--version, -v', 'print the version'],
];

function columns(rows: [string, string][]): string[] {
  const w = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `   ${a.padEnd(w)}  ${b}`.trimEnd());
}

function optionRow(name: string, d: OptDef): [string, string] {
  const names = [`--${name}`, ...(d.alias ? [d.alias.length === 1 ? `-${d.alias}` : `--${d.alias}`] : [])].join(', ');
  const value = d.type === 'boolean' ? '' : ' value';
  const dflt = d.default !== undefined && d.default !== '' && d.type !== 'boolean' ? ` (default: ${JSON.stringify(d.default)})` : '';
  return [names + value, (d.describe ?? '') + dflt];
}

export function globalHelp(commands: Command[]): string {
  return ['NAME:', '   runts - Open Container Initiative runtime, in TypeScript (runc\'s command line)', '',
    'USAGE:', '   runts [global options] command [command options] [arguments...]', '',
    'COMMANDS:', ...columns(commands.map((c) => [c.name, c.summary])), '   help, h  Shows a list of commands or help for one command', '',
    'GLOBAL OPTIONS:', ...columns(GLOBAL_HELP), ''].join('\n');
}

export function commandHelp(c: Command): string {
  const opts = Object.entries(c.options as OptSpec);
  return ['NAME:', `   runts ${c.name} - ${c.summary}`, '', 'USAGE:', `   runts ${c.usage}`, '',
    ...(opts.length ? ['OPTIONS:', ...columns(opts.map(([n, d]) => optionRow(n, d))), ''] : []), ''].join('\n');
}
