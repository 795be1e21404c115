// Builds what each stage receives from a checked config (src/spec/check): NS_PLAN for runts-nsexec,
// INIT_PLAN for the Node init, FINALIZE_PLAN for runts-finalize (see protocol/messages.ts).
import { CLONE_FLAG } from '../linux/constants.js';
import { ATTR } from '../protocol/messages.js';
import { attr, type Attr } from '../protocol/framing.js';
import { CAPABILITIES } from '../spec/features.js';
import { RLIMITS } from '../spec/rlimits.js';
import type { Hook, Namespace, Process, Spec } from '../spec/types.js';
import { initSpec, type InitPlan } from '../protocol/init-plan.js';
import { processExtraAttrs } from './process-extras.js';

/** As runc: a variable given twice keeps the first one's place and the last one's value. */
export function dedupEnv(env: string[]): string[] {
  const out: string[] = [];
  const at = new Map<string, number>();
  for (const kv of env) {
    const name = kv.includes('=') ? kv.slice(0, kv.indexOf('=')) : kv;
    const i = at.get(name);
    if (i === undefined) { at.set(name, out.length); out.push(kv); } else out[i] = kv;
  }
  return out;
}


export function newNamespaces(spec: Spec): Set<Namespace['type']> {
  return new Set((spec.linux?.namespaces ?? []).filter((n) => !n.path).map((n) => n.type));
}

/** NS_PATH: a namespace's clone flag, then its path. */
export function nsPathAttr(type: Namespace['type'], path: string): Attr {
  const b = Buffer.alloc(4); b.writeUInt32LE(CLONE_FLAG[type] >>> 0);
  return attr.bytes(ATTR.NS_PATH, Buffer.concat([b, Buffer.from(path)]));
}

/** What INIT_PLAN needs besides the config: the resolved paths, --no-pivot, the state for the
 * createContainer hooks, the last fd runts-finalize inherits, and whether the CLI traces. */
export interface InitPlanOpts { rootfs: string; bundle: string; noPivot: boolean; stateJson: string; lastFd: number; trace: boolean }

/** INIT_PLAN for create. A mount namespace joined by path gets the whole rootfs setup too, as
 * in runc (newMountNs); a new cgroup namespace is made by the init (nsPlan leaves it out). */
export function initPlan(spec: Spec, o: InitPlanOpts): InitPlan {
  const has = (type: Namespace['type']) => !!spec.linux?.namespaces?.some((x) => x.type === type);
  const news = newNamespaces(spec);
  return {
    ...(o.trace ? { trace: true } : {}), rootfs: o.rootfs, bundle: o.bundle, spec: initSpec(spec), noPivot: o.noPivot,
    newMountNs: has('mount'), newUtsNs: news.has('uts'), newCgroupNs: news.has('cgroup'), inUserNs: has('user'),
    stateJson: o.stateJson, passFds: Array.from({ length: o.lastFd + 1 }, (_, i) => i),
  };
}

/** The binaries that run for a container (launcher.ts's stagePaths says where they are); each
 * is executed from a sealed fd (Stages, linux/exe-seal.ts). engine: the init's executable (runts
 * itself), started as `engine ...engineArgs SYNC_FD FINALIZE_FD [MOUNT_NS_FD]`; engineArgs carry
 * the hidden entry and the lib dir, so that the init finds koffi's module whatever path its
 * sealed executable has. */
export interface StagePaths { engine: string; engineArgs: string[]; nsexec: string; finalize: string; idmap: string }

/** runts-nsexec's fds: the sync socket, and the sealed finalize and engine (create only). */
export interface StageFds { sync: number; finalize: number; engine?: number }

/** NS_PLAN for create. A new cgroup namespace is left out: the init makes it (newCgroupNs in
 * INIT_PLAN) once the parent has moved it into its cgroup, so that the parent's cgroup.procs
 * writes (an RCU grace period on cgroup v1, ~10-20 ms) overlap the init's Node start. */
export function nsPlan(spec: Spec, paths: StagePaths, fds: StageFds): Attr[] {
  const nss = spec.linux?.namespaces ?? [];
  const flags = nss.filter((n) => !n.path && n.type !== 'cgroup').reduce((f, n) => f | CLONE_FLAG[n.type], 0);
  const attrs: Attr[] = [attr.u32(ATTR.CLONE_FLAGS, flags)];
  for (const n of nss.filter((x) => x.path)) attrs.push(nsPathAttr(n.type, n.path!));
  const offsets = Object.entries(spec.linux?.timeOffsets ?? {})
    .map(([clock, o]) => `${clock} ${o.secs ?? 0} ${o.nanosecs ?? 0}`).join('\n');
  if (offsets) attrs.push(attr.str(ATTR.TIME_OFFSETS, offsets + '\n'));
  attrs.push(...attr.strs(ATTR.INIT_ARG, [paths.engine, ...paths.engineArgs, String(fds.sync)]));
  if (fds.engine !== undefined) attrs.push(attr.u32(ATTR.ENGINE_FD, fds.engine));
  attrs.push(attr.u32(ATTR.FINALIZE_FD, fds.finalize));
  return attrs;
}

/** The names are known ones (src/spec/check/process.ts). */
function capMask(names: string[] | undefined): bigint {
  return (names ?? []).reduce((mask, name) => mask | 1n << BigInt(CAPABILITIES.indexOf(name)), 0n);
}

function rlimitAttrs(p: Process): Attr[] {
  return (p.rlimits ?? []).map((r) => {
    const res = RLIMITS.indexOf(r.type.replace(/^RLIMIT_/, '')); // a known one (src/spec/check/process.ts)
    const b = Buffer.alloc(20);
    b.writeUInt32LE(res, 0); b.writeBigUInt64LE(BigInt(r.soft), 4); b.writeBigUInt64LE(BigInt(r.hard), 12);
    return attr.bytes(ATTR.RLIMIT, b);
  });
}

function hookAttrs(hooks: Hook[]): Attr[] {
  return hooks.flatMap((h) => [
    attr.str(ATTR.HOOK_PATH, h.path),
    ...attr.strs(ATTR.HOOK_ARG, h.args ?? [h.path]),
    ...attr.strs(ATTR.HOOK_ENV, h.env ?? []),
    ...(h.timeout ? [attr.u32(ATTR.HOOK_TIMEOUT, h.timeout)] : []),
  ]);
}

export interface FinalizeOpts {
  execSockFd?: number; keepFds: number[]; stateJson?: string; keyring?: string;
  console?: { fd: number; mount: boolean }; seccomp?: { bpf: Buffer; flags: number };
}

export function finalizePlan(spec: Spec, o: FinalizeOpts): Attr[] {
  const p = spec.process;
  const attrs: Attr[] = [
    ...(o.execSockFd !== undefined ? [attr.u32(ATTR.EXEC_SOCK_FD, o.execSockFd)] : []),
    ...o.keepFds.map((fd) => attr.u32(ATTR.KEEP_FD, fd)),
    ...(o.stateJson ? [attr.str(ATTR.STATE_JSON, o.stateJson)] : []),
    ...hookAttrs(spec.hooks?.startContainer ?? []),
    ...(o.keyring ? [attr.str(ATTR.SESSION_KEYRING, o.keyring)] : []),
  ];
  if (!p) return [...attrs, attr.u32(ATTR.NO_PROCESS, 1), attr.str(ATTR.CWD, '/')];
  const c = p.capabilities;
  attrs.push(
    ...attr.strs(ATTR.ARG, p.args ?? []), ...attr.strs(ATTR.ENV, dedupEnv(p.env ?? [])), attr.str(ATTR.CWD, p.cwd),
    attr.u32(ATTR.UID, p.user.uid), attr.u32(ATTR.GID, p.user.gid),
    ...(p.user.additionalGids ?? []).map((g) => attr.u32(ATTR.ADDITIONAL_GID, g)),
    attr.u32(ATTR.NO_NEW_PRIVS, p.noNewPrivileges ? 1 : 0), ...rlimitAttrs(p),
  );
  // As runc: the container's process gets umask 0022 unless the config says otherwise; an exec'd
  // one (no exec socket) keeps the caller's.
  const umask = p.user.umask ?? (o.execSockFd !== undefined ? 0o022 : undefined);
  if (umask !== undefined) attrs.push(attr.u32(ATTR.UMASK, umask));
  if (c) attrs.push(attr.u64s(ATTR.CAPS, [c.bounding, c.effective, c.inheritable, c.permitted, c.ambient].map(capMask)));
  if (o.console) {
    const size = Buffer.alloc(8);
    size.writeUInt32LE(p.consoleSize?.height ?? 0, 0); size.writeUInt32LE(p.consoleSize?.width ?? 0, 4);
    attrs.push(attr.u32(ATTR.CONSOLE_SOCK_FD, o.console.fd), attr.bytes(ATTR.CONSOLE_SIZE, size));
    if (o.console.mount) attrs.push(attr.u32(ATTR.MOUNT_CONSOLE, 1));
  }
  if (o.seccomp) attrs.push(attr.bytes(ATTR.SECCOMP_BPF, o.seccomp.bpf), attr.u32(ATTR.SECCOMP_FLAGS, o.seccomp.flags));
  if (p.apparmorProfile) attrs.push(attr.str(ATTR.APPARMOR_PROFILE, p.apparmorProfile));
  if (p.selinuxLabel) attrs.push(attr.str(ATTR.PROCESS_LABEL, p.selinuxLabel));
  attrs.push(...processExtraAttrs(spec, o.execSockFd === undefined));
  return attrs;
}

const NS_FILE: Record<Namespace['type'], string> = {
  mount: 'mnt', uts: 'uts', ipc: 'ipc', user: 'user', pid: 'pid', network: 'net', cgroup: 'cgroup', time: 'time',
};

/** exec: join every namespace of the running init through /proc, and exec runts-finalize directly. */
export function execNsPlan(spec: Spec, initPid: number, fds: StageFds): Attr[] {
  const joins = (spec.linux?.namespaces ?? []).map((n) => nsPathAttr(n.type, `/proc/${initPid}/ns/${NS_FILE[n.type]}`));
  return [attr.u32(ATTR.CLONE_FLAGS, 0), ...joins, attr.u32(ATTR.DIRECT_FINALIZE, 1), attr.u32(ATTR.FINALIZE_FD, fds.finalize)];
}

