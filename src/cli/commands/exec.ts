import { exec } from '../../container/exec.js';
import type { Command } from '../command.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/** As runc: every exec error reads "exec failed: ...". */
async function prefixed<T>(p: () => Promise<T>): Promise<T> {
  try { return await p(); } catch (e) {
    throw Object.assign(e as Error, { message: `exec failed: ${(e as Error).message}` });
  }
}

export const execCmd: Command = {
  name: 'exec', usage: 'exec [command options] <container-id> <command> [command options]', args: [1, Infinity],
  errorStatus: 255,
  options: {
    process: { type: 'string', alias: 'p' }, tty: { type: 'boolean', alias: 't' }, cwd: { type: 'string' },
    env: { type: 'array', alias: 'e' }, user: { type: 'string', alias: 'u' }, 'additional-gids': { type: 'array', alias: 'g' },
    cap: { type: 'array', alias: 'c' }, 'no-new-privs': { type: 'boolean' }, apparmor: { type: 'string' },
    'process-label': { type: 'string' }, 'pid-file': { type: 'string' }, 'console-socket': { type: 'string' },
    'preserve-fds': { type: 'number', default: 0 }, detach: { type: 'boolean', alias: 'd' }, 'ignore-paused': { type: 'boolean' },
    cgroup: { type: 'array' },
  },
  run: (g, o, [id, ...args]) => prefixed(() => exec({
    root: g.root, id, args, processFile: o.process as string | undefined, tty: !!o.tty, cwd: o.cwd as string | undefined,
    env: list(o.env), user: o.user as string | undefined, additionalGids: list(o['additional-gids']).map(Number),
    caps: list(o.cap), noNewPrivs: !!o['no-new-privs'], apparmor: o.apparmor as string | undefined,
    processLabel: o['process-label'] as string | undefined, pidFile: o['pid-file'] as string | undefined,
    consoleSocket: o['console-socket'] as string | undefined, preserveFds: o['preserve-fds'] as number, detach: !!o.detach, ignorePaused: !!o['ignore-paused'],
    cgroup: list(o.cgroup),
  })),
};
