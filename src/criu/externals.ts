// What of a container lies outside what criu dumps, described to it as runc describes it: every
// bind mount of the config (its destination is its key; restore binds the config's source
// there), every masked file (a bind of /dev/null: key "/dev/null", restored from the host's), a
// v1 host's cgroup binds (cgroups.ts), and a network namespace the config names by path (dumped
// as external "extRootNetNS"; restore inherits the namespace's fd under that key). The other
// namespaces the config names by path (ipc, uts, mount, user, time) are dumped as the
// container's own; restore has criu join the config's (join_ns), as runc does, so that a restored
// pod member shares its pod's again.
import { openSync, statSync } from 'node:fs';
import { RuntsError } from '../errors.js';
import { bindSource, isBindMount } from '../linux/mount-options.js';
import { cgroupDumpMounts } from './cgroups.js';
import type { ExtMount, InheritFd, JoinNs } from './rpc-schema.js';
import type { Spec } from '../spec/types.js';

const NET_KEY = 'extRootNetNS';
/** The config's namespace types criu can join on restore, by criu's names. */
const JOINABLE: Record<string, string> = { ipc: 'ipc', uts: 'uts', mount: 'mnt', user: 'user', time: 'time' };
const DEV_NULL = '/dev/null';

const netnsPath = (spec: Spec) => spec.linux?.namespaces?.find((n) => n.type === 'network' && n.path)?.path;
const binds = (spec: Spec) => (spec.mounts ?? []).filter(isBindMount);

/** Masked paths that are files in the running container (directories are masked by a tmpfs, dumped). */
function maskedFiles(spec: Spec, pid: number): string[] {
  return (spec.linux?.maskedPaths ?? []).filter((p) => {
    try { return !statSync(`/proc/${pid}/root${p}`).isDirectory(); } catch { return false; }
  });
}

export interface DumpExternals { extMnt: ExtMount[]; external: string[] }

/** criu dump's externals (criu_opts' ext_mnt and external) of the container whose init is pid. */
export function dumpExternals(spec: Spec, pid: number): DumpExternals {
  const extMnt = binds(spec).map((m) => ({ key: m.destination, val: m.destination }));
  for (const p of maskedFiles(spec, pid)) extMnt.push({ key: p, val: DEV_NULL });
  extMnt.push(...cgroupDumpMounts(spec, pid));
  const net = netnsPath(spec);
  return { extMnt, external: net ? [`net[${statSync(net).ino}]:${NET_KEY}`] : [] };
}

export interface RestoreExternals {
  extMnt: ExtMount[]; inheritFd: InheritFd[]; fds: number[]; joinNs: JoinNs[];
}

/** criu's join_ns entries: the namespaces the config names by path but the network and pid ones. */
function joinNamespaces(spec: Spec): JoinNs[] {
  return (spec.linux?.namespaces ?? []).flatMap((n) => {
    if (!n.path || n.type === 'network' || n.type === 'pid') return [];
    const ns = JOINABLE[n.type];
    if (!ns) throw new RuntsError('runtime', `restore: criu cannot join the ${n.type} namespace linux.namespaces names (${n.path})`);
    return [{ ns, nsFile: n.path }];
  });
}

/** criu restore's externals: its ext_mnt and inherit_fd entries, and the fds it must be given
 * from its fd `first` on (the caller closes them). */
export function restoreExternals(spec: Spec, bundle: string, first: number): RestoreExternals {
  const extMnt = binds(spec).map((m) => ({ key: m.destination, val: bindSource(m.source, bundle) }));
  if (spec.linux?.maskedPaths?.length) extMnt.push({ key: DEV_NULL, val: DEV_NULL });
  const ext: RestoreExternals = { extMnt, inheritFd: [], fds: [], joinNs: joinNamespaces(spec) };
  const net = netnsPath(spec);
  if (net) {
    ext.fds.push(openSync(net, 'r'));
    ext.inheritFd.push({ key: NET_KEY, fd: first });
  }
  return ext;
}
