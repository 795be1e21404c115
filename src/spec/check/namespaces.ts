// config.json's linux.namespaces and what depends on them (id mappings, time offsets, hostname,
// masked and read-only paths); newer runc's wording.
import type { Namespace, NamespaceType, Spec } from '../types.js';
import { failAt } from './fail.js';

function fail(path: string, msg: string): never {
  failAt('config.json', path, msg);
}

const isAbs = (p: string) => p.startsWith('/');

/** The namespaces by type; a path of "" means a new namespace, as in runc (Go's zero value). */
export function checkNamespaces(spec: Spec): Map<NamespaceType, Namespace> {
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

export function checkUts(spec: Spec, ns: Map<NamespaceType, Namespace>): void {
  // As runc: any uts entry will do, a joined one included (pod containers join the sandbox's
  // UTS namespace and still set the hostname).
  if (ns.has('uts')) return;
  if (spec.hostname) fail('/hostname', 'unable to set hostname without a private UTS namespace');
  if (spec.domainname) fail('/domainname', 'unable to set domainname without a private UTS namespace');
}

export function checkLinuxPaths(spec: Spec, ns: Map<NamespaceType, Namespace>): void {
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
