// checkpoint and restore (runc's flags): each parses its arguments and makes one library call.
import { checkpoint } from '../../container/checkpoint.js';
import { restore } from '../../container/restore.js';
import type { CriuFlags } from '../../criu/options.js';
import type { OptSpec } from '../args.js';
import type { Command } from '../command.js';

const shared: OptSpec = {
  'image-path': { type: 'string', describe: 'path for saving criu image files (default: ./checkpoint)' },
  'work-path': { type: 'string', describe: 'path for saving work files and logs (default: the image path)' },
  'tcp-established': { type: 'boolean', describe: 'allow open tcp connections' },
  'ext-unix-sk': { type: 'boolean', describe: 'allow external unix sockets' },
  'shell-job': { type: 'boolean', describe: 'allow shell jobs' },
  'file-locks': { type: 'boolean', describe: 'handle file locks, for safety' },
  'lazy-pages': { type: 'boolean', describe: 'use userfaultfd to lazily restore memory pages' },
  'manage-cgroups-mode': { type: 'string', describe: 'cgroups mode: soft (default), full, strict or ignore' },
  'empty-ns': { type: 'array', describe: 'create a namespace, but don\'t restore its properties (network)' },
  'auto-dedup': { type: 'boolean', describe: 'enable auto deduplication of memory images' },
};

function flags(o: Record<string, unknown>): CriuFlags & { imagePath: string; workPath?: string } {
  return {
    imagePath: (o['image-path'] as string) || 'checkpoint', workPath: (o['work-path'] as string) || undefined,
    tcpEstablished: !!o['tcp-established'], extUnixSk: !!o['ext-unix-sk'], shellJob: !!o['shell-job'],
    fileLocks: !!o['file-locks'], lazyPages: !!o['lazy-pages'], autoDedup: !!o['auto-dedup'],
    manageCgroupsMode: (o['manage-cgroups-mode'] as string) || undefined, emptyNs: (o['empty-ns'] as string[]) ?? [],
  };
}

export const checkpointCmd: Command = {
  name: 'checkpoint', usage: 'checkpoint [command options] <container-id>', args: [1, 1],
  summary: 'checkpoint a running container (criu)',
  options: {
    ...shared,
    'parent-path': { type: 'string', describe: 'path for previous criu image files in pre-dump (relative to the image path)' },
    'leave-running': { type: 'boolean', describe: 'leave the process running after checkpointing' },
    'page-server': { type: 'string', describe: 'ADDRESS:PORT of the page server' },
    'status-fd': { type: 'number', describe: 'criu writes \\0 to this FD once lazy-pages is ready' },
    'pre-dump': { type: 'boolean', describe: 'dump the container\'s memory information only, leave the container running after this' },
  },
  run: (g, o, [id]) => checkpoint({
    ...flags(o), root: g.root, id, criu: g.criu, parentPath: (o['parent-path'] as string) || undefined,
    leaveRunning: !!o['leave-running'], preDump: !!o['pre-dump'], pageServer: (o['page-server'] as string) || undefined,
    statusFd: o['status-fd'] as number | undefined,
  }),
};

export const restoreCmd: Command = {
  name: 'restore', usage: 'restore [command options] <container-id>', args: [1, 1],
  summary: 'restore a container from a previous checkpoint (criu)',
  options: {
    ...shared,
    'console-socket': { type: 'string', describe: 'path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console\'s pseudoterminal' },
    bundle: { type: 'string', alias: 'b', default: '', describe: 'the bundle directory (default: the current directory)' },
    detach: { type: 'boolean', alias: 'd', describe: 'detach from the container\'s process' },
    'pid-file': { type: 'string', describe: 'write the restored init\'s pid to this file' },
    'no-subreaper': { type: 'boolean', describe: 'accepted: runts never makes itself a subreaper (conformance/DEVIATIONS.md)' },
    'no-pivot': { type: 'boolean', describe: 'accepted: criu sets up the restored root itself' },
    'lsm-profile': { type: 'string', describe: 'LSM profile of the restored processes, TYPE:NAME (criu\'s lsm_profile)' },
    'lsm-mount-context': { type: 'string', describe: 'LSM mount context of the restored mounts (criu\'s lsm_mount_context)' },
  },
  run: (g, o, [id]) => restore({
    ...flags(o), root: g.root, id, criu: g.criu, systemdCgroup: g.systemdCgroup, bundle: (o.bundle as string) || process.cwd(),
    pidFile: o['pid-file'] as string | undefined, consoleSocket: o['console-socket'] as string | undefined,
    noPivot: !!o['no-pivot'], detach: !!o.detach,
    lsmProfile: (o['lsm-profile'] as string) || undefined, lsmMountContext: (o['lsm-mount-context'] as string) || undefined,
  }),
};
