// Id-mapped mounts, the parent's side (drawn in protocol/messages.ts). The init asks for each
// id-mapped bind mount in its turn (and, in a user namespace, for a bind whose source it may not
// reach); runts-idmap, in the host's user namespace, makes a detached
// id-mapped copy of the source inside the init's mount namespace; runts copies the copy's fd out
// of it (pidfd_getfd) and hands it to the init, which moves it onto the destination.
import { closeSync } from 'node:fs';
import { posix } from 'node:path';
import { ATTR, MSG } from '../protocol/messages.js';
import { attr, encodeChecked, expectMessage, receive, writeMessage, type Attr, type Message } from '../protocol/framing.js';
import { decodeBody } from '../protocol/check.js';
import { copyFdFrom, sendWithFd } from '../linux/fd-transfer.js';
import { socketPair } from '../linux/fd.js';
import { reapChild } from '../linux/process.js';
import { spawnWithFds } from '../linux/spawn.js';
import { idmapKind, isBindMount, MS, parseMountOptions } from '../linux/mount-options.js';
import type { IDMapping, Mount, Spec } from '../spec/types.js';
import { nsPathAttr } from './plan.js';
import { RuntsError } from '../errors.js';

/** mntns: the path of the init's mount namespace; helper: runts-idmap's sealed fd. */
export interface IdmapContext { spec: Pick<Spec, 'mounts' | 'linux'>; bundle: string; mntns: string; helper: () => number }

/** The text of /proc/<pid>/uid_map or gid_map for these mappings. */
export function idMapText(maps: readonly IDMapping[]): string {
  return maps.map((x) => `${x.containerID} ${x.hostID} ${x.size}\n`).join('');
}

/** The mount's own mappings, else the container's user namespace's (joined by path, or its
 * mappings), as runc does for an idmap or ridmap option without mappings. */
function mappingAttrs(spec: IdmapContext['spec'], m: Mount): Attr[] {
  if (m.uidMappings && m.gidMappings) {
    return [attr.str(ATTR.UID_MAP, idMapText(m.uidMappings)), attr.str(ATTR.GID_MAP, idMapText(m.gidMappings))];
  }
  const userns = spec.linux?.namespaces?.find((n) => n.type === 'user');
  if (userns?.path) return [nsPathAttr('user', userns.path)];
  return [attr.str(ATTR.UID_MAP, idMapText(spec.linux?.uidMappings ?? [])),
    attr.str(ATTR.GID_MAP, idMapText(spec.linux?.gidMappings ?? []))];
}

/** ATTR.TREE_FLAGS bits (native/idmap.c). */
const TREE = { RECURSIVE: 1, RIDMAP: 2, PLAIN: 4 } as const;

function idmapPlan(c: IdmapContext, m: Mount, source: string): Attr[] {
  const recursiveCopy = (parseMountOptions(m.options).flags & MS.REC) !== 0;
  const kind = idmapKind(m);
  const treeFlags = (recursiveCopy ? TREE.RECURSIVE : 0) | (kind === 'ridmap' ? TREE.RIDMAP : 0) | (kind === 'none' ? TREE.PLAIN : 0);
  return [
    attr.str(ATTR.SOURCE, source), nsPathAttr('mount', c.mntns),
    ...(kind === 'none' ? [] : mappingAttrs(c.spec, m)), attr.u32(ATTR.TREE_FLAGS, treeFlags),
  ];
}

/** Runs runts-idmap with the plan; returns our copy of the detached mount it made. */
function runIdmap(helper: number, plan: Attr[]): number {
  const [mine, theirs] = socketPair();
  let pid = 0;
  try {
    try { pid = spawnWithFds(helper, ['runts-idmap', '3'], [0, 1, 2, theirs]); } finally { closeSync(theirs); }
    writeMessage(mine, MSG.IDMAP_PLAN, plan);
    const { FD } = receive(mine, 'MOUNT_FD', 'runts-idmap');
    if (FD === undefined) throw new RuntsError('stage', 'protocol: MOUNT_FD from runts-idmap: missing attribute FD');
    return copyFdFrom(pid, FD);
  } finally {
    closeSync(mine); // runts-idmap waits for this EOF, then exits
    if (pid) reapChild(pid);
  }
}

function sourceOf(c: IdmapContext, m: Mount): string {
  const src = m.source ?? '';
  return posix.isAbsolute(src) ? src : posix.join(c.bundle, src);
}

/** An id-mapped mount, or a bind of a container with a user namespace (its source may be out
 * of the init's reach). */
function idmappedMount(c: IdmapContext, index: number): Mount {
  const m = c.spec.mounts?.[index];
  const bind = !!m && isBindMount(m);
  const userns = !!c.spec.linux?.namespaces?.some((n) => n.type === 'user');
  if (!m || (idmapKind(m) === 'none' && !(bind && userns))) throw new RuntsError('runtime', `protocol: mount ${index} is neither id-mapped nor a bind in a user namespace`);
  return m;
}

/** The id-mapped copy of the index-th mount's source. */
export function idmappedSource(c: IdmapContext, index: number): number {
  const m = idmappedMount(c, index);
  return runIdmap(c.helper(), idmapPlan(c, m, sourceOf(c, m)));
}

/** Reads the init's messages until one of kind `until`, answering every IDMAP_REQUEST with
 * MOUNT_FD and the mount's fd. A failure is the command's error, naming the mount. */
export function serveMountRequests(fd: number, c: IdmapContext, until: number, from: string): Message {
  for (;;) {
    const req = expectMessage(fd, [until, MSG.IDMAP_REQUEST], from);
    if (req.kind !== MSG.IDMAP_REQUEST) return req;
    const index = decodeBody('IDMAP_REQUEST', req).MOUNT_INDEX;
    let tree: number;
    try {
      tree = idmappedSource(c, index);
    } catch (e) {
      const m = idmappedMount(c, index);
      throw new RuntsError('runtime', `mount ${sourceOf(c, m)} to ${posix.join('/', m.destination)}: ${(e as Error).message}`);
    }
    try { sendWithFd(fd, encodeChecked('MOUNT_FD', {}), tree); } finally { closeSync(tree); }
  }
}
