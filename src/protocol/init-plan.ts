// INIT_PLAN's JSON document: what the init needs for the rootfs and the createContainer hooks.
// The parent builds it (container/launcher.ts), the init reads it with decodeInitPlan.
import type { Hooks, Linux, Process, Spec } from '../spec/types.js';
import { messageOf, RuntsError } from '../errors.js';

/** The part of the config the init uses (initSpec makes it): not the process (but its cwd
 * and terminal), nor the other hooks, the annotations, linux.resources or linux.seccomp. */
export type InitSpec = Pick<Spec, 'ociVersion' | 'root' | 'mounts' | 'hostname' | 'domainname'> & {
  process?: Pick<Process, 'cwd' | 'terminal'>;
  hooks?: Pick<Hooks, 'createContainer'>;
  linux?: Omit<Linux, 'resources' | 'seccomp'>;
};

export function initSpec(spec: Spec): InitSpec {
  const { process: p, hooks, linux, annotations: _annotations, ...rest } = spec;
  const { resources: _resources, seccomp: _seccomp, ...initLinux } = linux ?? {};
  return {
    ...rest,
    ...(p ? { process: { cwd: p.cwd, ...(p.terminal !== undefined ? { terminal: p.terminal } : {}) } } : {}),
    ...(hooks?.createContainer ? { hooks: { createContainer: hooks.createContainer } } : {}),
    ...(linux ? { linux: initLinux } : {}),
  };
}

export interface InitPlan {
  /** the CLI traces its steps (engine/trace.ts): so does the init */
  trace?: boolean;
  rootfs: string;            // absolute host path of the rootfs (root.path resolved against the bundle)
  bundle: string;            // absolute bundle dir (relative bind sources are relative to it)
  spec: InitSpec;            // the validated config's part for the init
  noPivot: boolean;          // --no-pivot: MS_MOVE the rootfs onto / and chroot instead of pivot_root
  newMountNs: boolean;
  newUtsNs: boolean;
  newCgroupNs: boolean;      // made by the init once the parent has moved it into its cgroup
  inUserNs: boolean;         // mknod is not possible: devices are bind-mounted from the host
  stateJson: string;         // the state given to the createContainer hooks
  /** fds runts-finalize inherits: stdio, preserved fds, the sync socket and the extra sockets */
  passFds: number[];
}

type Check = (v: unknown) => boolean;
const bool: Check = (v) => typeof v === 'boolean';
const str: Check = (v) => typeof v === 'string';
const FIELDS: Record<keyof InitPlan, [Check, 'required' | 'optional']> = {
  trace: [bool, 'optional'], rootfs: [str, 'required'], bundle: [str, 'required'],
  spec: [(v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'required'],
  noPivot: [bool, 'required'], newMountNs: [bool, 'required'], newUtsNs: [bool, 'required'],
  newCgroupNs: [bool, 'required'], inUserNs: [bool, 'required'], stateJson: [str, 'required'],
  passFds: [(v) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0), 'required'],
};

/** The plan in INIT_PLAN's JSON; throws "protocol: INIT_PLAN: ..." naming a field that is
 * missing, unknown or of the wrong type. The spec inside was validated by the parent. */
export function decodeInitPlan(json: string): InitPlan {
  let doc: unknown;
  try { doc = JSON.parse(json); } catch (e) { throw new RuntsError('stage', `protocol: INIT_PLAN: ${messageOf(e)}`); }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new RuntsError('stage', 'protocol: INIT_PLAN: not a JSON object');
  const plan = doc as Record<string, unknown>;
  for (const key of Object.keys(plan)) {
    if (!(key in FIELDS)) throw new RuntsError('stage', `protocol: INIT_PLAN: unknown field ${key}`);
  }
  for (const [key, [ok, need]] of Object.entries(FIELDS)) {
    if (plan[key] === undefined) {
      if (need === 'required') throw new RuntsError('stage', `protocol: INIT_PLAN: missing field ${key}`);
    } else if (!ok(plan[key])) throw new RuntsError('stage', `protocol: INIT_PLAN: field ${key} has the wrong type`);
  }
  return doc as InitPlan;
}
