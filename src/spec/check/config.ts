// config.json, checked: the schema, then the rules of the runtime-spec the schema cannot express;
// then (checkConfigOnHost) what this host and runts cannot apply. Each error is one line naming config.json and the
// JSON path (a JSON Pointer, as in the schema errors); the result is the Spec the rest trusts.
//
// The guide is what runc accepts: nothing that runc runs is refused, except where the spec says
// MUST and runc merely forgets to check (duplicate rlimits). Where runc has a message for the same
// rule, its wording follows the path.
import { HOOK_KINDS, type Hooks, type Spec } from '../types.js';
import { checkDeviceRules } from './device-rules.js';
import { failAt } from './fail.js';
import { checkHostSupport, checkProcessSupported } from './host-support.js';
import { checkMemoryPolicy } from './memory-policy.js';
import { checkMounts } from './mounts.js';
import { checkLinuxPaths, checkNamespaces, checkUts } from './namespaces.js';
import { checkNetDevices } from './net-devices.js';
import { checkProcess } from './process.js';
import { checkNoNul, checkSchema } from './schema.js';
import { checkSeccomp } from './seccomp.js';
import { checkSysctls } from './sysctl.js';

/** The config typed, or a 'config' error for the first thing wrong with it. */
export function checkConfig(value: unknown): Spec {
  checkSchema(value, 'config', 'config.json');
  const spec = value as Spec;
  checkSemantics(spec); // runc's own words for NULs in mounts and env first
  checkNoNul(value, 'config.json', ['/annotations']);
  checkDeviceRules(spec.linux?.resources?.devices);
  return spec;
}

/** What a config asks of this host and of runts (for create, once the rootfs is found). */
export function checkConfigOnHost(spec: Spec): void {
  checkSysctls(spec);
  checkProcessSupported(spec.process);
  checkHostSupport(spec);
  checkNetDevices(spec);
}

/** The rules between the values that the schema cannot say (the shapes are right here). */
export function checkSemantics(spec: Spec): void {
  const major = /^(\d+)\./.exec(spec.ociVersion)?.[1];
  if (major !== '1') fail('/ociVersion', `unsupported version ${JSON.stringify(spec.ociVersion)}: the major version must be 1`);
  if (!spec.root) fail('/root', 'is required on Linux');
  if (spec.root.path === '') fail('/root/path', 'must not be empty');
  checkAnnotations(spec);
  checkMounts(spec);
  if (spec.process) checkProcess(spec.process, 'config.json', '/process');
  checkHooks(spec.hooks);
  const ns = checkNamespaces(spec);
  checkUts(spec, ns);
  checkLinuxPaths(spec, ns);
  checkDevices(spec);
  checkSeccomp(spec.linux?.seccomp);
  checkMemoryPolicy(spec);
}

function fail(path: string, msg: string): never {
  failAt('config.json', path, msg);
}

const isAbs = (p: string) => p.startsWith('/');

function checkAnnotations(spec: Spec): void {
  // config.md: "Keys MUST NOT be an empty string".
  if (spec.annotations && Object.hasOwn(spec.annotations, '')) fail('/annotations', 'keys must not be empty');
}

function checkHooks(hooks: Hooks | undefined): void {
  if (!hooks) return;
  for (const kind of HOOK_KINDS) {
    hooks[kind]?.forEach((h, i) => {
      if (!isAbs(h.path)) fail(`/hooks/${kind}/${i}/path`, `must be an absolute path (got ${JSON.stringify(h.path)})`);
    });
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
