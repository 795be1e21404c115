// `runts features`: what this build of runts implements (the spec's features.md: "irrelevant to the
// actual availability of the features in the host operating system"). Only what runts implements
// is listed; the seccomp entry follows the code (and libseccomp) that implements it. AppArmor and
// SELinux labels are applied where the host has the LSM (src/linux/lsm.ts), so both are enabled,
// as runc reports them.
import { MOUNT_OPTION_NAMES } from '../linux/mount-options.js';
import { HOOK_KINDS, OCI_VERSION } from './types.js';
import { MPOL_FLAG, MPOL_MODE } from './mempolicy.js';

/** Capability names indexed by their number (linux/capability.h). */
export const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

export const NAMESPACE_NAMES = ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts'];


/** Filled in by src/seccomp when it is built in; absent means seccomp is not supported. */
export interface SeccompFeatures {
  enabled: boolean; actions: string[]; operators: string[]; archs: string[]; knownFlags: string[]; supportedFlags: string[];
}

export function features(seccomp?: SeccompFeatures): Record<string, unknown> {
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: OCI_VERSION,
    hooks: [...HOOK_KINDS],
    mountOptions: MOUNT_OPTION_NAMES,
    linux: {
      namespaces: NAMESPACE_NAMES,
      capabilities: [...CAPABILITIES],
      cgroup: { v1: true, v2: true, systemd: true, systemdUser: false, rdma: true },
      seccomp: seccomp ?? { enabled: false },
      apparmor: { enabled: true },
      selinux: { enabled: true },
      intelRdt: { enabled: false },
      memoryPolicy: { modes: Object.keys(MPOL_MODE).sort(), flags: Object.keys(MPOL_FLAG).sort() },
      mountExtensions: { idmap: { enabled: true } },
      netDevices: { enabled: true },
    },
    annotations: {
      'io.github.runts.version': RUNTS_VERSION_TEXT,
      'org.opencontainers.runc.checkpoint.enabled': 'false',
    },
  };
}

declare const RUNTS_VERSION: string | undefined;
const RUNTS_VERSION_TEXT = typeof RUNTS_VERSION === 'string' ? RUNTS_VERSION : 'dev';
