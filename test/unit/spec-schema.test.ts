// The JSON schemas of schemas/ (compiled by scripts/gen-validators.mjs): configs that runc and
// containerd write validate, each class of violation names its JSON path, and the state and
// features documents runts prints match their schemas.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { defaultSpec } from '../../src/spec/default-spec.js';
import { features } from '../../src/spec/features.js';
import { validateFeaturesSchema, validateStateSchema } from '../../src/spec/generated/validators.js';
import { checkConfig as validateConfig } from '../../src/spec/check/config.js';
import { checkSchema, formatSchemaError, type SchemaError } from '../../src/spec/check/schema.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The error validateConfig throws for a config, or undefined when it is accepted. */
function errorOf(config: unknown): string | undefined {
  try { validateConfig(config); return undefined; } catch (e) { return (e as Error).message; }
}

/** A sandbox-and-workload style config as containerd's CRI plugin writes it (containerd 1.6/1.7),
 * with the runtime-spec 1.3 fields added and a few properties no spec defines. */
export const containerdConfig = {
  ociVersion: '1.1.0',
  process: {
    user: { uid: 65535, gid: 65535, umask: 18, additionalGids: [65535, 0] },
    args: ['/bin/app', '--flag'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web-0', 'EMPTY='],
    cwd: '/srv',
    terminal: false,
    consoleSize: { height: 0, width: 0 },
    capabilities: {
      bounding: ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
        'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'],
      effective: ['CAP_CHOWN', 'CAP_KILL'],
      permitted: ['CAP_CHOWN', 'CAP_KILL'],
      inheritable: [],
      ambient: ['CAP_KILL'],
    },
    rlimits: [
      { type: 'RLIMIT_NOFILE', hard: 1048576, soft: 1048576 },
      { type: 'RLIMIT_MEMLOCK', hard: 18446744073709551615, soft: 18446744073709551615 },
    ],
    noNewPrivileges: true,
    apparmorProfile: 'cri-containerd.apparmor.d',
    oomScoreAdj: -997,
    selinuxLabel: 'system_u:system_r:container_t:s0:c1,c2',
    scheduler: { policy: 'SCHED_FIFO', priority: 10, flags: ['SCHED_FLAG_RESET_ON_FORK'] },
    ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 4 },
    execCPUAffinity: { initial: '7', final: '0-3,7' },
    vendorField: { nested: [1, 2, 3] },
  },
  root: { path: 'rootfs' },
  hostname: 'web-0',
  domainname: 'example.test',
  mounts: [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    { destination: '/etc/hosts', type: 'bind', source: '/var/lib/kubelet/pods/0a/etc-hosts', options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/dev/shm', type: 'bind', source: '/run/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm', options: ['rbind', 'ro', 'nosuid', 'nodev', 'noexec'] },
    { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'idmap'],
      uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }] },
    { destination: 'relative/is/deprecated', type: 'tmpfs', source: 'tmpfs' },
  ],
  hooks: {
    prestart: [{ path: '/usr/bin/nvidia-container-runtime-hook', args: ['nvidia-container-runtime-hook', 'prestart'], env: ['A=1'] }],
    createRuntime: [{ path: '/usr/libexec/oci/hooks.d/net', timeout: 10 }],
    createContainer: [{ path: '/usr/bin/mount-hook', args: ['-mount'] }],
    startContainer: [{ path: '/usr/bin/ldconfig' }],
    poststart: [{ path: '/usr/bin/notify-start', timeout: 5 }],
    poststop: [{ path: '/usr/sbin/cleanup.sh', args: ['cleanup.sh', '-f'] }],
  },
  annotations: {
    'io.kubernetes.cri.container-type': 'container',
    'io.kubernetes.cri.sandbox-id': '5b2c1a4f8d',
    'io.kubernetes.cri/weird~key': '',
    'org.opencontainers.image.stopSignal': 'SIGTERM',
  },
  linux: {
    uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    timeOffsets: { monotonic: { secs: -86400, nanosecs: 0 }, boottime: { secs: 3600 } },
    sysctl: { 'net.ipv4.ip_unprivileged_port_start': '0', 'net.ipv4.ping_group_range': '0 2147483647' },
    resources: {
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
        { allow: true, type: 'c', major: 136, access: 'rwm' },
        { allow: true, type: 'b', major: -1, minor: -1, access: 'r' },
        { allow: false, type: 'a' },
      ],
      memory: { limit: 134217728, reservation: -1, swap: -1, kernel: -1, kernelTCP: -1, swappiness: 0,
        disableOOMKiller: false, useHierarchy: true, checkBeforeUpdate: true },
      cpu: { shares: 102, quota: -1, burst: 0, period: 100000, realtimeRuntime: -1, realtimePeriod: 1000000,
        cpus: '0-3,7', mems: '0', idle: 0 },
      pids: { limit: -1 },
      blockIO: {
        weight: 500, leafWeight: 10,
        weightDevice: [{ major: 8, minor: 0, weight: 500, leafWeight: 300 }, { major: 8, minor: 16, weight: 500 }],
        throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 600 }],
        throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 18446744073709551615 }],
        throttleReadIOPSDevice: [{ major: 8, minor: 0, rate: 300 }],
        throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 300 }],
      },
      hugepageLimits: [{ pageSize: '2MB', limit: 209715200 }, { pageSize: '1GB', limit: 0 }],
      network: { classID: 1048577, priorities: [{ name: 'eth0', priority: 500 }] },
      rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 }, mlx4_0: { hcaObjects: 1000 } },
      unified: { 'io.max': '259:0 rbps=2097152 wiops=120', 'memory.high': 'max' },
      futureController: { knob: 1 },
    },
    cgroupsPath: 'kubepods-besteffort-pod0a.slice:cri-containerd:5b2c1a4f8d',
    namespaces: [
      { type: 'pid' }, { type: 'ipc', path: '/proc/1234/ns/ipc' }, { type: 'uts', path: '/proc/1234/ns/uts' },
      { type: 'mount' }, { type: 'network', path: '/var/run/netns/cni-1234' }, { type: 'cgroup' }, { type: 'user' },
      { type: 'time' },
    ],
    devices: [
      { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0 },
      { path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 432 },
      { path: '/dev/myfifo', type: 'p' },
      { path: '/dev/unbuf', type: 'u', major: 4, minor: 64 },
    ],
    netDevices: { eth1: { name: 'container_eth1' }, eth2: {} },
    rootfsPropagation: 'rslave',
    maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys', '/sys/firmware'],
    readonlyPaths: ['/proc/bus', '/proc/sys', '/proc/sysrq-trigger'],
    mountLabel: 'system_u:object_r:container_file_t:s0:c1,c2',
    intelRdt: { closID: 'guaranteed_group', schemata: ['L3:0=7f0;1=1f', 'MB:0=20;1=70'], enableMonitoring: true, enableCMT: false },
    personality: { domain: 'LINUX32', flags: [] },
    memoryPolicy: { mode: 'MPOL_INTERLEAVE', nodes: '2-3', flags: ['MPOL_F_STATIC_NODES'] },
    seccomp: {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      flags: ['SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
      listenerPath: '/run/seccomp-agent.sock',
      listenerMetadata: 'MKNOD=/dev/null',
      syscalls: [
        { names: ['accept', 'accept4', 'read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 4294967295, op: 'SCMP_CMP_EQ' }] },
        { names: ['clone'], action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
        { names: ['mknod'], action: 'SCMP_ACT_NOTIFY' },
        { names: ['ptrace'], action: 'SCMP_ACT_KILL_PROCESS', comment: 'docker profile fields', includes: {}, excludes: {} },
        { names: ['socket'], action: 'SCMP_ACT_LOG', args: [{ index: 5, value: 18446744073709551615, op: 'SCMP_CMP_NE' }] },
      ],
    },
  },
  vendorExtension: { anything: ['goes', null, 3] },
};

t.test('runts spec (runc\'s default config) validates, rootful and rootless', async (t) => {
  t.equal(errorOf(clone(defaultSpec({ rootless: false }))), undefined);
  t.equal(errorOf(clone(defaultSpec({ rootless: true }))), undefined);
});

t.test('runc spec output validates', { skip: !existsSync('/usr/sbin/runc') && 'runc is not installed' }, async (t) => {
  for (const args of [['spec'], ['spec', '--rootless']]) {
    const dir = mkdtempSync(join(tmpdir(), 'runts-spec-'));
    try {
      execFileSync('/usr/sbin/runc', args, { cwd: dir, stdio: 'ignore' });
      t.equal(errorOf(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))), undefined, args.join(' '));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }
});

t.test('a containerd-like full config validates, unknown properties included', async (t) => {
  t.equal(errorOf(clone(containerdConfig)), undefined);
});

t.test('capability names are open in the schema (the check of the names: spec-check.test.ts)', async (t) => {
  const c = clone(containerdConfig) as Record<string, any>;
  c.process.capabilities.ambient = ['CAP_NOT_KNOWN_YET'];
  t.doesNotThrow(() => checkSchema(c, 'config', 'config.json'));
});

t.test('null members are taken as absent, as Go\'s encoding/json does', async (t) => {
  const c = clone(containerdConfig) as Record<string, any>;
  c.annotations = null;
  c.process.capabilities.ambient = null;
  c.linux.resources.devices[1].major = null;
  c.linux.seccomp.syscalls[0].args = null;
  t.equal(errorOf(c), undefined);
  t.notOk('annotations' in c);
  t.notOk('major' in c.linux.resources.devices[1]);
  // A required member that is null is missing.
  const d = clone(containerdConfig) as Record<string, any>;
  d.root.path = null;
  t.equal(errorOf(d), 'config.json: /root/path: is required');
});

/** Each case: a change to the containerd config, then the exact error. */
const violations: [string, (c: any) => void, string][] = [
  ['not an object', (c) => { c.process = 'sh'; }, '/process: must be an object'],
  ['ociVersion missing', (c) => { delete c.ociVersion; }, '/ociVersion: is required'],
  ['ociVersion not a string', (c) => { c.ociVersion = 1; }, '/ociVersion: must be a string'],
  ['root.path missing', (c) => { c.root = { readonly: true }; }, '/root/path: is required'],
  ['root.readonly not a boolean', (c) => { c.root.readonly = 'yes'; }, '/root/readonly: must be a boolean'],
  ['mount destination missing', (c) => { delete c.mounts[2].destination; }, '/mounts/2/destination: is required'],
  ['mount options not strings', (c) => { c.mounts[1].options = ['ro', 1]; }, '/mounts/1/options/1: must be a string'],
  ['mount uidMappings without gidMappings', (c) => { delete c.mounts[8].gidMappings; },
    '/mounts/8/gidMappings: is required when uidMappings is present'],
  ['mount id mapping size negative', (c) => { c.mounts[8].uidMappings[0].size = -1; }, '/mounts/8/uidMappings/0/size: must be >= 0'],
  ['process.cwd missing', (c) => { delete c.process.cwd; }, '/process/cwd: is required'],
  ['process.user missing', (c) => { delete c.process.user; }, '/process/user: is required'],
  ['process.user.uid missing', (c) => { delete c.process.user.uid; }, '/process/user/uid: is required'],
  ['uid negative', (c) => { c.process.user.uid = -1; }, '/process/user/uid: must be >= 0'],
  ['gid beyond uint32', (c) => { c.process.user.gid = 4294967296; }, '/process/user/gid: must be <= 4294967295 (uint32)'],
  ['umask fractional', (c) => { c.process.user.umask = 1.5; }, '/process/user/umask: must be an integer'],
  ['additionalGids entry negative', (c) => { c.process.user.additionalGids = [1, -5]; }, '/process/user/additionalGids/1: must be >= 0'],
  ['args not an array', (c) => { c.process.args = 'sh -c true'; }, '/process/args: must be an array'],
  ['env entry not a string', (c) => { c.process.env = [{ A: 1 }]; }, '/process/env/0: must be a string'],
  ['terminal not a boolean', (c) => { c.process.terminal = 1; }, '/process/terminal: must be a boolean'],
  ['consoleSize without width', (c) => { c.process.consoleSize = { height: 1 }; }, '/process/consoleSize/width: is required'],
  ['rlimit soft missing', (c) => { delete c.process.rlimits[0].soft; }, '/process/rlimits/0/soft: is required'],
  ['rlimit hard negative', (c) => { c.process.rlimits[1].hard = -1; }, '/process/rlimits/1/hard: must be >= 0'],
  ['rlimit beyond uint64', (c) => { c.process.rlimits[1].hard = 1e20; }, '/process/rlimits/1/hard: must be <= 18446744073709551615 (uint64)'],
  ['capabilities not strings', (c) => { c.process.capabilities.bounding = [7]; }, '/process/capabilities/bounding/0: must be a string'],
  ['oomScoreAdj out of range', (c) => { c.process.oomScoreAdj = -1001; }, '/process/oomScoreAdj: must be >= -1000'],
  ['scheduler policy unknown', (c) => { c.process.scheduler.policy = 'SCHED_FAST'; },
    '/process/scheduler/policy: must be one of "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"'],
  ['scheduler nice beyond int32', (c) => { c.process.scheduler.nice = 2 ** 31; }, '/process/scheduler/nice: must be <= 2147483647 (int32)'],
  ['scheduler flag unknown', (c) => { c.process.scheduler.flags = ['SCHED_FLAG_X']; }, '/process/scheduler/flags/0: must be one of "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"'],
  ['ioPriority class unknown', (c) => { c.process.ioPriority.class = 'IOPRIO_CLASS_NONE'; },
    '/process/ioPriority/class: must be one of "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"'],
  ['ioPriority priority out of range', (c) => { c.process.ioPriority.priority = 8; }, '/process/ioPriority/priority: must be <= 7'],
  ['execCPUAffinity not a string', (c) => { c.process.execCPUAffinity.final = [0, 1]; }, '/process/execCPUAffinity/final: must be a string'],
  ['hostname not a string', (c) => { c.hostname = 42; }, '/hostname: must be a string'],
  ['hook path missing', (c) => { c.hooks.poststop = [{ args: ['x'] }]; }, '/hooks/poststop/0/path: is required'],
  ['hook timeout zero', (c) => { c.hooks.poststart[0].timeout = 0; }, '/hooks/poststart/0/timeout: must be >= 1'],
  ['hooks not arrays', (c) => { c.hooks.createRuntime = { path: '/bin/true' }; }, '/hooks/createRuntime: must be an array'],
  ['annotation value not a string', (c) => { c.annotations['io.kubernetes.cri/weird~key'] = 3; },
    '/annotations/io.kubernetes.cri~1weird~0key: must be a string'],
  ['namespace type unknown', (c) => { c.linux.namespaces[2].type = 'utsname'; },
    '/linux/namespaces/2/type: must be one of "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"'],
  ['namespace type missing', (c) => { c.linux.namespaces[0] = { path: '/proc/1/ns/pid' }; }, '/linux/namespaces/0/type: is required'],
  ['uidMappings hostID missing', (c) => { delete c.linux.uidMappings[0].hostID; }, '/linux/uidMappings/0/hostID: is required'],
  ['timeOffsets nanosecs negative', (c) => { c.linux.timeOffsets.monotonic.nanosecs = -1; }, '/linux/timeOffsets/monotonic/nanosecs: must be >= 0'],
  ['device type unknown', (c) => { c.linux.devices[0].type = 'x'; }, '/linux/devices/0/type: must be one of "c", "b", "u", "p"'],
  ['device fileMode negative', (c) => { c.linux.devices[0].fileMode = -438; }, '/linux/devices/0/fileMode: must be >= 0'],
  ['netDevices entry not an object', (c) => { c.linux.netDevices.eth1 = 'eth9'; }, '/linux/netDevices/eth1: must be an object'],
  ['device cgroup allow missing', (c) => { delete c.linux.resources.devices[0].allow; }, '/linux/resources/devices/0/allow: is required'],
  ['device cgroup type unknown', (c) => { c.linux.resources.devices[1].type = 'p'; }, '/linux/resources/devices/1/type: must be one of "a", "b", "c"'],
  ['device cgroup access letters', (c) => { c.linux.resources.devices[1].access = 'rwx'; },
    '/linux/resources/devices/1/access: must match pattern "^[rwm]*$"'],
  ['memory limit fractional', (c) => { c.linux.resources.memory.limit = 1.5; }, '/linux/resources/memory/limit: must be an integer'],
  ['memory limit a string', (c) => { c.linux.resources.memory.limit = '1G'; }, '/linux/resources/memory/limit: must be an integer'],
  ['swappiness negative', (c) => { c.linux.resources.memory.swappiness = -1; }, '/linux/resources/memory/swappiness: must be >= 0'],
  ['cpu shares negative', (c) => { c.linux.resources.cpu.shares = -2; }, '/linux/resources/cpu/shares: must be >= 0'],
  ['cpu period negative', (c) => { c.linux.resources.cpu.period = -1; }, '/linux/resources/cpu/period: must be >= 0'],
  ['blockIO weight beyond uint16', (c) => { c.linux.resources.blockIO.weight = 65536; },
    '/linux/resources/blockIO/weight: must be <= 65535 (uint16)'],
  ['weightDevice minor missing', (c) => { delete c.linux.resources.blockIO.weightDevice[1].minor; },
    '/linux/resources/blockIO/weightDevice/1/minor: is required'],
  ['throttle rate missing', (c) => { delete c.linux.resources.blockIO.throttleWriteIOPSDevice[0].rate; },
    '/linux/resources/blockIO/throttleWriteIOPSDevice/0/rate: is required'],
  ['hugepage pageSize missing', (c) => { delete c.linux.resources.hugepageLimits[1].pageSize; },
    '/linux/resources/hugepageLimits/1/pageSize: is required'],
  ['net classID negative', (c) => { c.linux.resources.network.classID = -1; }, '/linux/resources/network/classID: must be >= 0'],
  ['net priority name missing', (c) => { delete c.linux.resources.network.priorities[0].name; },
    '/linux/resources/network/priorities/0/name: is required'],
  ['pids limit fractional', (c) => { c.linux.resources.pids.limit = 0.5; }, '/linux/resources/pids/limit: must be an integer'],
  ['rdma hcaHandles beyond uint32', (c) => { c.linux.resources.rdma.mlx5_1.hcaHandles = 2 ** 32; },
    '/linux/resources/rdma/mlx5_1/hcaHandles: must be <= 4294967295 (uint32)'],
  ['unified value not a string', (c) => { c.linux.resources.unified['memory.high'] = 100; },
    '/linux/resources/unified/memory.high: must be a string'],
  ['rootfsPropagation unknown', (c) => { c.linux.rootfsPropagation = 'recursive'; },
    '/linux/rootfsPropagation: must be one of "", "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"'],
  ['maskedPaths not strings', (c) => { c.linux.maskedPaths = [null, 1]; }, '/linux/maskedPaths/0: must be a string'],
  ['personality domain unknown', (c) => { c.linux.personality.domain = 'LINUX64'; }, '/linux/personality/domain: must be one of "LINUX", "LINUX32"'],
  ['memoryPolicy mode missing', (c) => { delete c.linux.memoryPolicy.mode; }, '/linux/memoryPolicy/mode: is required'],
  ['memoryPolicy flag unknown', (c) => { c.linux.memoryPolicy.flags = ['MPOL_F_X']; },
    '/linux/memoryPolicy/flags/0: must be one of "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"'],
  ['intelRdt schemata not strings', (c) => { c.linux.intelRdt.schemata = 'L3:0=7f0'; }, '/linux/intelRdt/schemata: must be an array'],
  ['sysctl value not a string', (c) => { c.linux.sysctl['net.ipv4.ip_forward'] = 1; }, '/linux/sysctl/net.ipv4.ip_forward: must be a string'],
  ['seccomp defaultAction unknown', (c) => { c.linux.seccomp.defaultAction = 'SCMP_ACT_DENY'; },
    '/linux/seccomp/defaultAction: must be one of "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"'],
  ['seccomp defaultErrnoRet negative', (c) => { c.linux.seccomp.defaultErrnoRet = -1; }, '/linux/seccomp/defaultErrnoRet: must be >= 0'],
  ['seccomp architecture unknown', (c) => { c.linux.seccomp.architectures.push('SCMP_ARCH_VAX'); },
    '/linux/seccomp/architectures/3: must be one of "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB"'],
  ['seccomp flag unknown', (c) => { c.linux.seccomp.flags = ['SECCOMP_FILTER_FLAG_NEW_LISTENER']; },
    '/linux/seccomp/flags/0: must be one of "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"'],
  ['seccomp syscall action missing', (c) => { delete c.linux.seccomp.syscalls[1].action; }, '/linux/seccomp/syscalls/1/action: is required'],
  ['seccomp syscall names missing', (c) => { delete c.linux.seccomp.syscalls[1].names; }, '/linux/seccomp/syscalls/1/names: is required'],
  ['seccomp syscall names empty', (c) => { c.linux.seccomp.syscalls[1].names = []; }, '/linux/seccomp/syscalls/1/names: must not be empty'],
  ['seccomp errnoRet negative', (c) => { c.linux.seccomp.syscalls[4].errnoRet = -38; }, '/linux/seccomp/syscalls/4/errnoRet: must be >= 0'],
  ['seccomp arg index 6', (c) => { c.linux.seccomp.syscalls[1].args[0].index = 6; }, '/linux/seccomp/syscalls/1/args/0/index: must be <= 5'],
  ['seccomp arg value negative', (c) => { c.linux.seccomp.syscalls[1].args[0].value = -1; }, '/linux/seccomp/syscalls/1/args/0/value: must be >= 0'],
  ['seccomp arg op missing', (c) => { delete c.linux.seccomp.syscalls[3].args[0].op; }, '/linux/seccomp/syscalls/3/args/0/op: is required'],
  ['seccomp arg op unknown', (c) => { c.linux.seccomp.syscalls[3].args[0].op = 'SCMP_CMP_MASKED_NE'; },
    '/linux/seccomp/syscalls/3/args/0/op: must be one of "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"'],
];

t.test('schema violations name the JSON path', async (t) => {
  for (const [what, change, message] of violations) {
    const c = clone(containerdConfig);
    change(c);
    t.equal(errorOf(c), `config.json: ${message}`, what);
  }
});

t.test('the document itself must be an object', async (t) => {
  t.equal(errorOf([]), 'config.json: /: must be an object');
  t.equal(errorOf('{}'), 'config.json: /: must be an object');
});

t.test('wide integers: uint64 and int64 values at their bounds pass', async (t) => {
  const c = clone(containerdConfig) as Record<string, any>;
  c.linux.resources.memory.limit = 9223372036854775807;
  c.linux.resources.memory.swap = -9223372036854775808;
  c.linux.resources.cpu.shares = 18446744073709551615;
  c.linux.devices[1].major = -1;
  t.equal(errorOf(c), undefined);
});

t.test('formatSchemaError falls back to ajv\'s message for other keywords', async (t) => {
  const e: SchemaError = { instancePath: '/a', keyword: 'pattern', params: { pattern: 'x' }, message: 'must match pattern "x"' };
  t.equal(formatSchemaError(e), '/a: must match pattern "x"');
  t.equal(formatSchemaError({ instancePath: '', keyword: 'if', params: {} }), '/: if');
});

t.test('features(): runts\' own output matches the features schema', async (t) => {
  t.ok(validateFeaturesSchema(features()), JSON.stringify(validateFeaturesSchema.errors));
  const seccomp = {
    enabled: true,
    actions: ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD',
      'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY', 'SCMP_ACT_TRACE', 'SCMP_ACT_TRAP'],
    operators: ['SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_LE', 'SCMP_CMP_LT', 'SCMP_CMP_MASKED_EQ', 'SCMP_CMP_NE'],
    archs: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_RISCV64'],
    knownFlags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_LOG'],
    supportedFlags: ['SECCOMP_FILTER_FLAG_LOG'],
  };
  t.ok(validateFeaturesSchema(features(seccomp)), JSON.stringify(validateFeaturesSchema.errors));
});

t.test('features schema: nulls allowed, unknown properties and bad values refused', async (t) => {
  const base = { ociVersionMin: '1.0.0', ociVersionMax: '1.3.0' };
  t.ok(validateFeaturesSchema(base));
  t.ok(validateFeaturesSchema({ ...base, hooks: null, mountOptions: null, linux: { seccomp: null, cgroup: { v1: null } } }));
  const refused: [unknown, string][] = [
    [{ ociVersionMin: '1.0.0' }, '/ociVersionMax: is required'],
    [{ ...base, extra: true }, '/extra: is not a property defined by the spec'],
    [{ ...base, linux: { cgroup: { v3: true } } }, '/linux/cgroup/v3: is not a property defined by the spec'],
    [{ ...base, hooks: ['prestop'] }, '/hooks/0: must be one of "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"'],
    [{ ...base, linux: { namespaces: ['net'] } }, '/linux/namespaces/0: must be one of "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"'],
    [{ ...base, linux: { capabilities: ['chown'] } }, '/linux/capabilities/0: must match pattern "^CAP_[A-Z0-9_]+$"'],
    [{ ...base, linux: { seccomp: { enabled: 'yes' } } }, '/linux/seccomp/enabled: must be boolean or null'],
    [{ ...base, annotations: { a: 1 } }, '/annotations/a: must be a string'],
  ];
  for (const [doc, message] of refused) {
    t.notOk(validateFeaturesSchema(doc), message);
    t.equal(formatSchemaError((validateFeaturesSchema.errors as SchemaError[])[0]), message);
  }
});

t.test('state schema: a sample state validates, pid required while created or running', async (t) => {
  const state = { ociVersion: '1.3.0', id: 'web-0', status: 'running', pid: 4422, bundle: '/containers/web-0', annotations: { a: 'b' } };
  t.ok(validateStateSchema(state), JSON.stringify(validateStateSchema.errors));
  t.ok(validateStateSchema({ ociVersion: '1.3.0', id: 'x', status: 'stopped', pid: 0, bundle: '/b' }));
  t.ok(validateStateSchema({ ociVersion: '1.3.0', id: 'x', status: 'creating', bundle: '/b' }));
  t.ok(validateStateSchema({ ...state, status: 'paused' }));
  const refused: [unknown, string][] = [
    [{ ...state, pid: undefined, status: 'created' }, '/pid: is required'],
    [{ ...state, status: 'exited' }, '/status: must be one of "creating", "created", "running", "stopped", "paused"'],
    [{ ...state, pid: -1 }, '/pid: must be >= 0'],
    [{ ...state, bundle: undefined }, '/bundle: is required'],
    [{ ...state, annotations: { a: null } }, '/annotations/a: must be a string'],
  ];
  for (const [doc, message] of refused) {
    const d = JSON.parse(JSON.stringify(doc));
    t.notOk(validateStateSchema(d), message);
    t.equal(formatSchemaError((validateStateSchema.errors as SchemaError[])[0]), message);
  }
});
