// The options create and run share, and their translation into CreateOpts.
import type { CreateOpts } from '../../container/create.js';
import type { OptSpec } from '../args.js';
import type { Globals } from '../command.js';

export const createOptions: OptSpec = {
  bundle: { type: 'string', alias: 'b', default: '' },
  'console-socket': { type: 'string' },
  'pid-file': { type: 'string' },
  'no-pivot': { type: 'boolean' },
  'no-new-keyring': { type: 'boolean' },
  'preserve-fds': { type: 'number', default: 0 },
};

export function createParams(g: Globals, o: Record<string, unknown>, id: string): CreateOpts {
  return {
    root: g.root, id, bundle: (o.bundle as string) || process.cwd(), pidFile: o['pid-file'] as string | undefined,
    consoleSocket: o['console-socket'] as string | undefined, noPivot: !!o['no-pivot'],
    noNewKeyring: !!o['no-new-keyring'], preserveFds: (o['preserve-fds'] as number) ?? 0, systemdCgroup: g.systemdCgroup,
  };
}
