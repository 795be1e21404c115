// `runts spec`: runc's default config.json (and its --rootless variant), tab-indented as runc writes it.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntsError } from '../errors.js';
import { OCI_VERSION, type Spec } from './types.js';

const CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

export function defaultSpec(opts: { rootless: boolean }): Spec {
  const spec: Spec = {
    ociVersion: OCI_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: [...CAPS], effective: [...CAPS], permitted: [...CAPS], ambient: [...CAPS] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'runts',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: [
        '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
        '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
  // as runc: a cgroup namespace only where /sys/fs/cgroup is cgroup2 (not on v1 or hybrid hosts)
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) spec.linux!.namespaces!.push({ type: 'cgroup' });
  return opts.rootless ? rootless(spec) : spec;
}

/** runc's ToRootless: a user namespace mapping the caller, no network namespace, /sys bound, no gid= on devpts. */
function rootless(spec: Spec): Spec {
  const linux = spec.linux!;
  const uid = process.geteuid?.() ?? 0, gid = process.getegid?.() ?? 0;
  linux.namespaces = linux.namespaces!.filter((n) => n.type !== 'network' && n.type !== 'user');
  linux.namespaces.push({ type: 'user' });
  linux.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }];
  linux.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }];
  delete linux.resources;
  spec.mounts = spec.mounts!.map((m) => {
    if (m.type === 'sysfs') return { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] };
    return { ...m, options: m.options?.filter((o) => !o.startsWith('gid=')) };
  });
  return spec;
}

function specFileText(spec: Spec): string {
  return JSON.stringify(spec, null, '\t');
}

/** `runts spec`: writes the default config.json into a bundle directory ('' is the current
 * one), refusing to replace one. */
export function writeDefaultSpec(bundle: string, rootless: boolean): void {
  const path = join(bundle || '.', 'config.json');
  if (existsSync(path)) throw new RuntsError('exist', 'File config.json exists. Remove it first');
  writeFileSync(path, specFileText(defaultSpec({ rootless })));
}
