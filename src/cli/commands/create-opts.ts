// The options create and run share, and their translation into CreateOpts.
import type { CreateOpts } from '../../container/create.js';
import type { OptSpec } from '../args.js';
import type { Globals } from '../command.js';

export const createOptions: OptSpec = {
  bundle: { type: 'string', alias: 'b', default: '', describe: 'the bundle directory (default: the current directory)' },
  'console-socket': { type: 'string', describe: 'AF_UNIX socket that receives the pty master (process.terminal)' },
  'pidfd-socket': { type: 'string', describe: 'AF_UNIX socket that receives a pidfd of the container\'s process' },
  'pid-file': { type: 'string', describe: 'write the init\'s pid to this file' },
  'no-pivot': { type: 'boolean', describe: 'do not use pivot_root (for a rootfs on a ramdisk)' },
  'no-new-keyring': { type: 'boolean', describe: 'keep the caller\'s session keyring' },
  'preserve-fds': { type: 'number', default: 0, describe: 'pass this many fds after stdio (3..) to the container' },
};

export function createParams(g: Globals, o: Record<string, unknown>, id: string): CreateOpts {
  return {
    root: g.root, id, bundle: (o.bundle as string) || process.cwd(), pidFile: o['pid-file'] as string | undefined,
    consoleSocket: o['console-socket'] as string | undefined, pidfdSocket: o['pidfd-socket'] as string | undefined, noPivot: !!o['no-pivot'],
    noNewKeyring: !!o['no-new-keyring'], preserveFds: (o['preserve-fds'] as number) ?? 0, systemdCgroup: g.systemdCgroup,
  };
}
