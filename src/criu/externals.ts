// What of a container lies outside what criu dumps, described to it as runc describes it: every
// bind mount of the config (its destination is its key; restore binds the config's source
// there), every masked file (a bind of /dev/null: key "/dev/null", restored from the host's), a
// v1 host's cgroup binds (cgroups.ts), and a network namespace the config names by path (dumped
// as external "extRootNetNS"; restore inherits the namespace's fd under that key).
import { openSync, statSync } from 'node:fs';
import { bindSource, isBindMount } from '../linux/mount-options.js';
import { cgroupDumpMounts } from './cgroups.js';
import type { Spec } from '../spec/types.js';

const NET_KEY = 'extRootNetNS';
const DEV_NULL = '/dev/null';

const netnsPath = (spec: Spec) => spec.linux?.namespaces?.find((n) => n.type === 'network' && n.path)?.path;
const binds = (spec: Spec) => (spec.mounts ?? []).filter(isBindMount);

/** Masked paths that are files in the running container (directories are masked by a tmpfs, dumped). */
function maskedFiles(spec: Spec, pid: number): string[] {
  return (spec.linux?.maskedPaths ?? []).filter((p) => {
    try { return !statSync(`/proc/${pid}/root${p}`).isDirectory(); } catch { return false; }
  });
}

/** criu dump's arguments for the externals of the container whose init is pid. */
export function dumpExternals(spec: Spec, pid: number): string[] {
  const args = binds(spec).flatMap((m) => ['--ext-mount-map', `${m.destination}:${m.destination}`]);
  for (const p of maskedFiles(spec, pid)) args.push('--ext-mount-map', `${p}:${DEV_NULL}`);
  for (const m of cgroupDumpMounts(spec, pid)) args.push('--ext-mount-map', `${m.key}:${m.val}`);
  const net = netnsPath(spec);
  if (net) args.push('--external', `net[${statSync(net).ino}]:${NET_KEY}`);
  return args;
}

/** criu restore's arguments; fds it must be given from fd `first` on (the caller closes them). */
export function restoreExternals(spec: Spec, bundle: string, first: number): { args: string[]; fds: number[] } {
  const args = binds(spec).flatMap((m) => ['--ext-mount-map', `${m.destination}:${bindSource(m.source, bundle)}`]);
  if (spec.linux?.maskedPaths?.length) args.push('--ext-mount-map', `${DEV_NULL}:${DEV_NULL}`);
  const fds: number[] = [];
  const net = netnsPath(spec);
  if (net) {
    fds.push(openSync(net, 'r'));
    args.push('--inherit-fd', `fd[${first}]:${NET_KEY}`);
  }
  return { args, fds };
}
