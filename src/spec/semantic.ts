// Rules of the runtime-spec that its JSON schema cannot express. Each error is one line naming
// config.json and the JSON path (a JSON Pointer, as in the schema errors). Runs after the schema,
// so the shapes and types are known to be right here.
//
// The guide is what runc accepts: nothing that runc runs is refused, except where the spec says
// MUST and runc merely forgets to check (duplicate rlimits). Where runc has a message for the same
// rule, its wording follows the path. sysctl keys are checked by src/container/sysctl-check.ts.
import { idmapKind, isBindMount, parseMountOptions } from '../linux/mount-options.js';
import { HOOK_KINDS, type Hooks, type Mount, type Namespace, type NamespaceType, type Spec } from './types.js';
import { configError } from './config-error.js';

export function checkSemantics(spec: Spec): void {
  const major = /^(\d+)\./.exec(spec.ociVersion)?.[1];
  if (major !== '1') fail('/ociVersion', `unsupported version ${JSON.stringify(spec.ociVersion)}: the major version must be 1`);
  if (!spec.root) fail('/root', 'is required on Linux');
  if (spec.root.path === '') fail('/root/path', 'must not be empty');
  checkAnnotations(spec);
  checkMounts(spec);
  checkProcess(spec);
  checkHooks(spec.hooks);
  const ns = checkNamespaces(spec);
  checkUts(spec, ns);
  checkLinuxPaths(spec, ns);
  checkDevices(spec);
  checkSeccomp(spec);
  checkMemoryPolicy(spec);
}

function fail(path: string, msg: string): never {
  throw configError(path, msg);
}

const isAbs = (p: string) => p.startsWith('/');

function checkAnnotations(spec: Spec): void {
  // config.md: "Keys MUST NOT be an empty string".
  if (spec.annotations && Object.hasOwn(spec.annotations, '')) fail('/annotations', 'keys must not be empty');
}

function checkMounts(spec: Spec): void {
  spec.mounts?.forEach((m, i) => {
    // A relative destination is deprecated but allowed (taken as relative to "/"), as runc does.
    if (m.destination === '') fail(`/mounts/${i}/destination`, 'must not be empty');
    for (const k of ['destination', 'source', 'type'] as const) {
      if (m[k]?.includes('\0')) fail(`/mounts/${i}/${k}`, 'mount field contains null byte');
    }
    if (idmapKind(m) !== 'none') checkIdmapMount(spec, m, i);
    checkBindOptions(m, i);
  });
}

/** A bind mount takes no filesystem data: an option runts does not know would be dropped. */
function checkBindOptions(m: Mount, i: number): void {
  const o = parseMountOptions(m.options);
  if (!isBindMount(m) || !o.data) return;
  const bad = o.data.split(',')[0];
  fail(`/mounts/${i}/options`, `unknown mount option ${JSON.stringify(bad)} for a bind mount`);
}

/** An id-mapped mount (runc's rules and texts): a bind, with mappings of its own or, for an
 * idmap/ridmap option without them, the container's user namespace's. */
function checkIdmapMount(spec: Spec, m: Mount, i: number): void {
  const isBind = isBindMount(m);
  if (!isBind) fail(`/mounts/${i}`, 'id-mapped mounts are only supported for bind-mounts');
  const own = m.uidMappings !== undefined || m.gidMappings !== undefined;
  const userns = !!spec.linux?.namespaces?.some((n) => n.type === 'user');
  if (own ? !m.uidMappings?.length || !m.gidMappings?.length : !userns) {
    fail(`/mounts/${i}`, 'id-mapped mounts must have both uid and gid mappings specified');
  }
}

function checkProcess(spec: Spec): void {
  const p = spec.process;
  if (!p) return;
  if (p.cwd === '') fail('/process/cwd', 'Cwd property must not be empty');
  if (!isAbs(p.cwd)) fail('/process/cwd', `Cwd must be an absolute path (got ${JSON.stringify(p.cwd)})`);
  if (!p.args || p.args.length === 0) fail('/process/args', 'args must not be empty');
  p.env?.forEach((kv, i) => {
    const eq = kv.indexOf('=');
    if (eq === -1) fail(`/process/env/${i}`, `invalid environment variable ${JSON.stringify(kv)}: missing '='`);
    if (eq === 0) fail(`/process/env/${i}`, `invalid environment variable ${JSON.stringify(kv)}: name cannot be empty`);
    if (kv.includes('\0')) fail(`/process/env/${i}`, `invalid environment variable ${JSON.stringify(kv.slice(0, eq))}: contains nul byte (\\x00)`);
  });
  // config.md: "If rlimits contains duplicated entries with same type, the runtime MUST generate
  // an error." (runc 1.1 does not check; the last entry would win there.)
  const seen = new Set<string>();
  p.rlimits?.forEach((r, i) => {
    if (seen.has(r.type)) fail(`/process/rlimits/${i}/type`, `duplicate rlimit type ${JSON.stringify(r.type)}`);
    seen.add(r.type);
  });
  const s = p.scheduler as { policy: string; nice?: number; priority?: number; runtime?: number; deadline?: number; period?: number } | undefined;
  if (s) {
    // sched_setattr(2) rules, with newer runc's messages.
    if ((s.policy === 'SCHED_OTHER' || s.policy === 'SCHED_BATCH') && s.nice !== undefined && (s.nice < -20 || s.nice > 19)) {
      fail('/process/scheduler/nice', `invalid scheduler.nice: ${s.nice} when scheduler.policy is ${s.policy}`);
    }
    if (s.priority && s.policy !== 'SCHED_FIFO' && s.policy !== 'SCHED_RR') {
      fail('/process/scheduler/priority', 'scheduler.priority can only be specified for SchedFIFO or SchedRR policy');
    }
    if (s.policy !== 'SCHED_DEADLINE' && (s.runtime || s.deadline || s.period)) {
      fail('/process/scheduler', 'scheduler runtime/deadline/period can only be specified for SchedDeadline policy');
    }
  }
}

function checkHooks(hooks: Hooks | undefined): void {
  if (!hooks) return;
  for (const kind of HOOK_KINDS) {
    hooks[kind]?.forEach((h, i) => {
      if (!isAbs(h.path)) fail(`/hooks/${kind}/${i}/path`, `must be an absolute path (got ${JSON.stringify(h.path)})`);
    });
  }
}

/** The namespaces by type; a path of "" means a new namespace, as in runc (Go's zero value). */
function checkNamespaces(spec: Spec): Map<NamespaceType, Namespace> {
  const byType = new Map<NamespaceType, Namespace>();
  const linux = spec.linux;
  linux?.namespaces?.forEach((n, i) => {
    if (byType.has(n.type)) fail(`/linux/namespaces/${i}/type`, `duplicate namespace type ${JSON.stringify(n.type)}`);
    byType.set(n.type, n);
    if (n.path && !isAbs(n.path)) fail(`/linux/namespaces/${i}/path`, `must be an absolute path (got ${JSON.stringify(n.path)})`);
  });
  const joins = (t: NamespaceType) => !!byType.get(t)?.path;

  // User namespace and id mappings (newer runc's wording). Joining a user namespace by path needs
  // no mappings; runc checks given ones against the namespace's, runts leaves that to the kernel.
  const uid = linux?.uidMappings?.length ?? 0, gid = linux?.gidMappings?.length ?? 0;
  if (!byType.has('user')) {
    if (uid) fail('/linux/uidMappings', "user namespace mappings specified, but user namespace isn't enabled in the config");
    if (gid) fail('/linux/gidMappings', "user namespace mappings specified, but user namespace isn't enabled in the config");
  } else if (!joins('user')) {
    if (!uid) fail('/linux/uidMappings', 'user namespaces enabled, but no uid mappings found');
    if (!gid) fail('/linux/gidMappings', 'user namespaces enabled, but no gid mappings found');
  }

  // Time namespace offsets: only for a new time namespace.
  if (linux?.timeOffsets && Object.keys(linux.timeOffsets).length > 0) {
    if (!byType.has('time')) fail('/linux/timeOffsets', "time namespace offsets specified, but time namespace isn't enabled in the config");
    if (joins('time')) fail('/linux/timeOffsets', 'time namespace enabled, but both namespace path and time offsets specified -- you may only provide one');
  }
  return byType;
}

function checkUts(spec: Spec, ns: Map<NamespaceType, Namespace>): void {
  // As runc: any uts entry will do, a joined one included (pod containers join the sandbox's
  // UTS namespace and still set the hostname).
  if (ns.has('uts')) return;
  if (spec.hostname) fail('/hostname', 'unable to set hostname without a private UTS namespace');
  if (spec.domainname) fail('/domainname', 'unable to set domainname without a private UTS namespace');
}

function checkLinuxPaths(spec: Spec, ns: Map<NamespaceType, Namespace>): void {
  const linux = spec.linux;
  if (!linux) return;
  for (const key of ['maskedPaths', 'readonlyPaths'] as const) {
    const paths = linux[key];
    paths?.forEach((p, i) => {
      if (!isAbs(p)) fail(`/linux/${key}/${i}`, `must be an absolute path (got ${JSON.stringify(p)})`);
    });
    if (paths?.length && !ns.has('mount')) fail(`/linux/${key}`, 'unable to restrict sys entries without a private MNT namespace');
  }
}

function checkDevices(spec: Spec): void {
  spec.linux?.devices?.forEach((d, i) => {
    if (!isAbs(d.path)) fail(`/linux/devices/${i}/path`, `must be an absolute path (got ${JSON.stringify(d.path)})`);
    if (d.type !== 'p') {
      if (d.major === undefined) fail(`/linux/devices/${i}/major`, `is required for a device of type ${JSON.stringify(d.type)}`);
      if (d.minor === undefined) fail(`/linux/devices/${i}/minor`, `is required for a device of type ${JSON.stringify(d.type)}`);
    }
  });
}

function checkSeccomp(spec: Spec): void {
  const sc = spec.linux?.seccomp;
  if (!sc) return;
  // runc ignores a seccomp object with neither a default action nor rules.
  if (sc.defaultAction === undefined && sc.syscalls?.length) fail('/linux/seccomp/defaultAction', 'is required');
  if (sc.defaultAction === 'SCMP_ACT_NOTIFY') fail('/linux/seccomp/defaultAction', 'SCMP_ACT_NOTIFY cannot be used as default action');
  sc.syscalls?.forEach((call, i) => {
    call.names.forEach((name, j) => {
      if (name === '') fail(`/linux/seccomp/syscalls/${i}/names/${j}`, 'empty string is not a valid syscall');
      // The notification would be written by the agent's own writes: runc refuses it too.
      if (name === 'write' && call.action === 'SCMP_ACT_NOTIFY') {
        fail(`/linux/seccomp/syscalls/${i}/action`, 'SCMP_ACT_NOTIFY cannot be used for the write syscall');
      }
    });
    // errnoRet with an action other than ERRNO or TRACE is ignored, as runc does.
  });
}

function checkMemoryPolicy(spec: Spec): void {
  const mp = spec.linux?.memoryPolicy as { mode: string; nodes?: string } | undefined;
  if (!mp) return;
  const count = mp.nodes === undefined || mp.nodes === '' ? 0 : countList(mp.nodes);
  if (count < 0) fail('/linux/memoryPolicy/nodes', `invalid memory policy nodes ${JSON.stringify(mp.nodes)}`);
  if ((mp.mode === 'MPOL_DEFAULT' || mp.mode === 'MPOL_LOCAL') && count > 0) {
    fail('/linux/memoryPolicy/nodes', `memory policy mode ${mp.mode} requires 0 nodes but got ${count}`);
  }
  if (['MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_PREFERRED_MANY', 'MPOL_WEIGHTED_INTERLEAVE'].includes(mp.mode) && count === 0) {
    fail('/linux/memoryPolicy/nodes', `memory policy mode ${mp.mode} requires at least one node but got 0`);
  }
}

/** Number of entries in a list such as "0-3,7"; -1 when it is malformed. */
function countList(list: string): number {
  const ids = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return -1;
    const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65536) return -1;
    for (let n = lo; n <= hi; n++) ids.add(n);
  }
  return ids.size;
}
