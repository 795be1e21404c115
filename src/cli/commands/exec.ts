import { exec } from '../../container/exec.js';
import type { Command } from '../command.js';
import { parseGid } from '../../spec/check/exec-process.js';
import { wrap } from '../../errors.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/** As runc: every exec error reads "exec failed: ...". */
async function prefixed<T>(p: () => Promise<T>): Promise<T> {
  try { return await p(); } catch (e) {
    throw wrap(e, 'exec failed');
  }
}

export const execCmd: Command = {
  name: 'exec', usage: 'exec [command options] <container-id> <command> [command options]', args: [1, Infinity],
  summary: 'run a new process in a running container', keepOrder: true,
  errorKind: 'exec',
  options: {
    process: { type: 'string', alias: 'p', describe: 'a JSON file with the process (config.json\'s "process")' }, tty: { type: 'boolean', alias: 't', describe: 'give the process a terminal' }, cwd: { type: 'string', describe: 'working directory in the container' },
    env: { type: 'array', alias: 'e', describe: 'an environment variable NAME=VALUE (repeatable)' }, user: { type: 'string', alias: 'u', describe: 'UID[:GID]' }, 'additional-gids': { type: 'array', alias: 'g', describe: 'an additional group id (repeatable)' },
    cap: { type: 'array', alias: 'c', describe: 'a capability to add (repeatable)' }, 'no-new-privs': { type: 'boolean', describe: 'set no_new_privs for the process' }, apparmor: { type: 'string', describe: 'AppArmor profile of the process' },
    'process-label': { type: 'string', describe: 'SELinux label of the process' }, 'pid-file': { type: 'string', describe: 'write the process\'s pid to this file' }, 'console-socket': { type: 'string', describe: 'AF_UNIX socket that receives the pty master (with --tty)' },
    'pidfd-socket': { type: 'string', describe: 'AF_UNIX socket that receives a pidfd of the process' },
    'preserve-fds': { type: 'number', default: 0, describe: 'pass this many fds after stdio (3..) to the process' }, detach: { type: 'boolean', alias: 'd', describe: 'return once the process runs' }, 'ignore-paused': { type: 'boolean', describe: 'exec even into a paused container' },
    cgroup: { type: 'array', describe: 'run in this sub-cgroup: [CONTROLLER[,...]:]PATH (repeatable)' },
  },
  run: (g, o, [id, ...args]) => prefixed(() => exec({
    root: g.root, id, args, processFile: o.process as string | undefined, tty: !!o.tty, cwd: o.cwd as string | undefined,
    env: list(o.env), user: o.user as string | undefined, additionalGids: list(o['additional-gids']).map(parseGid),
    caps: list(o.cap), noNewPrivs: !!o['no-new-privs'], apparmor: o.apparmor as string | undefined,
    processLabel: o['process-label'] as string | undefined, pidFile: o['pid-file'] as string | undefined,
    consoleSocket: o['console-socket'] as string | undefined, pidfdSocket: o['pidfd-socket'] as string | undefined, preserveFds: o['preserve-fds'] as number, detach: !!o.detach, ignorePaused: !!o['ignore-paused'],
    cgroup: list(o.cgroup),
  })),
};
