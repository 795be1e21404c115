// The rules of src/spec/check (config.ts and the files it calls): each one refuses with its one-line message naming the JSON
// path, and what runc accepts still passes.
import t, { type Test } from 'tap';
import { checkConfig as validateConfig, checkSemantics } from '../../src/spec/check/config.js';
import { isKind } from '../../src/errors.js';

/** A small valid config; each case changes a copy. */
function base(): any {
  return {
    ociVersion: '1.3.0',
    root: { path: 'rootfs' },
    process: { user: { uid: 0, gid: 0 }, args: ['/multitool'], env: ['PATH=/bin'], cwd: '/' },
    hostname: 'box',
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }, { type: 'network' }],
      maskedPaths: ['/proc/kcore'],
      readonlyPaths: ['/proc/sys'],
    },
  };
}

function errorOf(config: unknown): string | undefined {
  try { validateConfig(config); return undefined; } catch (e) {
    if (!isKind(e, 'config')) throw e;
    return e.message;
  }
}

function check(t: Test, change: (c: any) => void, message: string | undefined, what?: string): void {
  const c = base();
  change(c);
  t.equal(errorOf(c), message === undefined ? undefined : `config.json: ${message}`, what ?? message ?? 'accepted');
}

t.test('the base config is valid', async (t) => {
  t.equal(errorOf(base()), undefined);
  t.doesNotThrow(() => checkSemantics(base()));
});

t.test('ociVersion and root', async (t) => {
  check(t, (c) => { c.ociVersion = '2.0.0'; }, '/ociVersion: unsupported version "2.0.0": the major version must be 1');
  check(t, (c) => { c.ociVersion = 'latest'; }, '/ociVersion: unsupported version "latest": the major version must be 1');
  check(t, (c) => { c.ociVersion = '1.0.2-dev'; }, undefined, 'runc spec\'s pre-release version');
  check(t, (c) => { delete c.root; }, '/root: is required on Linux');
  check(t, (c) => { c.root.path = ''; }, '/root/path: must not be empty');
  check(t, (c) => { c.root.path = '/abs/rootfs'; }, undefined);
});

t.test('annotations: keys must not be empty', async (t) => {
  check(t, (c) => { c.annotations = { '': 'x' }; }, '/annotations: keys must not be empty');
  check(t, (c) => { c.annotations = { a: '' }; }, undefined, 'empty values are fine');
});

t.test('mounts', async (t) => {
  check(t, (c) => { c.mounts[0].destination = ''; }, '/mounts/0/destination: must not be empty');
  check(t, (c) => { c.mounts[0].destination = 'proc'; }, undefined, 'relative destinations are deprecated, not refused (as runc)');
  check(t, (c) => { c.mounts.push({ destination: '/a\0b', type: 'tmpfs' }); }, '/mounts/1/destination: mount field contains null byte');
  check(t, (c) => { c.mounts[0].source = 'pr\0c'; }, '/mounts/0/source: mount field contains null byte');
  check(t, (c) => { c.mounts[0].type = 'proc\0'; }, '/mounts/0/type: mount field contains null byte');
});

t.test('id-mapped mounts (runc\'s rules)', async (t) => {
  const map = [{ containerID: 0, hostID: 1000, size: 1 }];
  const bind = (over: object) => ({ destination: '/m', source: '/src', options: ['bind'], ...over });
  const userns = (c: any) => { c.linux.namespaces.push({ type: 'user' }); c.linux.uidMappings = map; c.linux.gidMappings = map; };
  check(t, (c) => { c.mounts.push(bind({ uidMappings: map, gidMappings: map })); }, undefined, 'a bind with mappings');
  check(t, (c) => { c.mounts.push(bind({ type: 'bind', options: ['ridmap'], uidMappings: map, gidMappings: map })); }, undefined,
    'a bind by its type, ridmap');
  check(t, (c) => { userns(c); c.mounts.push(bind({ options: ['rbind', 'idmap'] })); }, undefined, 'idmap with the container\'s user namespace');
  check(t, (c) => { c.linux.namespaces.push({ type: 'user', path: '/proc/1/ns/user' }); c.mounts.push(bind({ options: ['bind', 'ridmap'] })); },
    undefined, 'ridmap with a joined user namespace');
  check(t, (c) => { c.mounts.push({ destination: '/m', type: 'tmpfs', source: 'tmpfs', options: ['idmap'] }); },
    '/mounts/1: id-mapped mounts are only supported for bind-mounts');
  check(t, (c) => { c.mounts.push(bind({ options: ['bind', 'idmap'] })); },
    '/mounts/1: id-mapped mounts must have both uid and gid mappings specified', 'idmap without mappings or a user namespace');
  check(t, (c) => { userns(c); c.mounts.push(bind({ uidMappings: [], gidMappings: map })); },
    '/mounts/1: id-mapped mounts must have both uid and gid mappings specified', 'an empty uid mapping');
});

t.test('process', async (t) => {
  check(t, (c) => { delete c.process; }, undefined, 'process is optional until start');
  check(t, (c) => { c.process.cwd = ''; }, '/process/cwd: Cwd property must not be empty');
  check(t, (c) => { c.process.cwd = 'srv'; }, '/process/cwd: Cwd must be an absolute path (got "srv")');
  check(t, (c) => { c.process.args = []; }, '/process/args: args must not be empty');
  check(t, (c) => { delete c.process.args; }, '/process/args: args must not be empty');
  check(t, (c) => { c.process.env = ['A=1', 'NOEQUALS']; }, '/process/env/1: invalid environment variable "NOEQUALS": missing \'=\'');
  check(t, (c) => { c.process.env = ['=x']; }, '/process/env/0: invalid environment variable "=x": name cannot be empty');
  check(t, (c) => { c.process.env = ['A=x\0y']; }, '/process/env/0: invalid environment variable "A": contains nul byte (\\x00)');
  check(t, (c) => { c.process.env = ['A=', 'B==', 'C=a=b']; }, undefined, 'empty values and = in values');
});

t.test('rlimits: a type at most once', async (t) => {
  check(t, (c) => {
    c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1, hard: 2 }, { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
      { type: 'RLIMIT_NOFILE', soft: 3, hard: 4 }];
  }, '/process/rlimits/2/type: duplicate rlimit type "RLIMIT_NOFILE"');
  check(t, (c) => { c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1, hard: 2 }, { type: 'RLIMIT_CORE', soft: 0, hard: 0 }]; }, undefined);
});

t.test('scheduler: sched_setattr combinations', async (t) => {
  check(t, (c) => { c.process.scheduler = { policy: 'SCHED_OTHER', nice: 20 }; },
    '/process/scheduler/nice: invalid scheduler.nice: 20 when scheduler.policy is SCHED_OTHER');
  check(t, (c) => { c.process.scheduler = { policy: 'SCHED_BATCH', nice: -21 }; },
    '/process/scheduler/nice: invalid scheduler.nice: -21 when scheduler.policy is SCHED_BATCH');
  check(t, (c) => { c.process.scheduler = { policy: 'SCHED_OTHER', priority: 1 }; },
    '/process/scheduler/priority: scheduler.priority can only be specified for SchedFIFO or SchedRR policy');
  check(t, (c) => { c.process.scheduler = { policy: 'SCHED_RR', runtime: 100 }; },
    '/process/scheduler: scheduler runtime/deadline/period can only be specified for SchedDeadline policy');
  check(t, (c) => { c.process.scheduler = { policy: 'SCHED_DEADLINE', runtime: 10000, deadline: 20000, period: 30000 }; }, undefined);
  check(t, (c) => { c.process.scheduler = { policy: 'SCHED_RR', priority: 50 }; }, undefined);
  check(t, (c) => { c.process.scheduler = { policy: 'SCHED_OTHER', nice: -20, priority: 0 }; }, undefined);
});

t.test('hooks: paths must be absolute', async (t) => {
  for (const kind of ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop']) {
    check(t, (c) => { c.hooks = { [kind]: [{ path: '/bin/true' }, { path: 'bin/hook' }] }; },
      `/hooks/${kind}/1/path: must be an absolute path (got "bin/hook")`);
  }
  check(t, (c) => { c.hooks = { poststop: [{ path: '/bin/true', args: ['true'], timeout: 1 }] }; }, undefined);
});

t.test('namespaces: no duplicates, absolute paths', async (t) => {
  check(t, (c) => { c.linux.namespaces.push({ type: 'pid', path: '/proc/1/ns/pid' }); },
    '/linux/namespaces/5/type: duplicate namespace type "pid"');
  check(t, (c) => { c.linux.namespaces[4].path = 'var/run/netns/x'; },
    '/linux/namespaces/4/path: must be an absolute path (got "var/run/netns/x")');
  check(t, (c) => { c.linux.namespaces[4].path = ''; }, undefined, 'an empty path means a new namespace, as in runc');
  check(t, (c) => { c.linux.namespaces[4].path = '/var/run/netns/x'; }, undefined);
});

t.test('hostname and domainname need a UTS namespace (a joined one will do, as in runc)', async (t) => {
  const noUts = (c: any) => { c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'uts'); };
  check(t, noUts, '/hostname: unable to set hostname without a private UTS namespace');
  check(t, (c) => { noUts(c); delete c.hostname; c.domainname = 'example.test'; },
    '/domainname: unable to set domainname without a private UTS namespace');
  check(t, (c) => { noUts(c); c.hostname = ''; }, undefined, 'an empty hostname is not set');
  check(t, (c) => { c.linux.namespaces[2].path = '/proc/1234/ns/uts'; }, undefined);
  check(t, (c) => { noUts(c); delete c.hostname; }, undefined);
});

t.test('user namespace and id mappings', async (t) => {
  const maps = [{ containerID: 0, hostID: 100000, size: 65536 }];
  check(t, (c) => { c.linux.uidMappings = maps; },
    '/linux/uidMappings: user namespace mappings specified, but user namespace isn\'t enabled in the config');
  check(t, (c) => { c.linux.gidMappings = maps; },
    '/linux/gidMappings: user namespace mappings specified, but user namespace isn\'t enabled in the config');
  check(t, (c) => { c.linux.uidMappings = []; }, undefined, 'empty mappings are no mappings');
  check(t, (c) => { c.linux.namespaces.push({ type: 'user' }); }, '/linux/uidMappings: user namespaces enabled, but no uid mappings found');
  check(t, (c) => { c.linux.namespaces.push({ type: 'user' }); c.linux.uidMappings = maps; },
    '/linux/gidMappings: user namespaces enabled, but no gid mappings found');
  check(t, (c) => { c.linux.namespaces.push({ type: 'user' }); c.linux.uidMappings = maps; c.linux.gidMappings = maps; }, undefined);
  check(t, (c) => { c.linux.namespaces.push({ type: 'user', path: '/proc/1234/ns/user' }); }, undefined, 'a joined user namespace needs no mappings');
  check(t, (c) => { c.linux.namespaces.push({ type: 'user', path: '/proc/1234/ns/user' }); c.linux.uidMappings = maps; c.linux.gidMappings = maps; },
    undefined, 'mappings with a joined user namespace are left to the kernel');
});

t.test('time namespace offsets', async (t) => {
  const offsets = { monotonic: { secs: 10 }, boottime: { secs: -5, nanosecs: 1 } };
  check(t, (c) => { c.linux.timeOffsets = offsets; },
    '/linux/timeOffsets: time namespace offsets specified, but time namespace isn\'t enabled in the config');
  check(t, (c) => { c.linux.timeOffsets = offsets; c.linux.namespaces.push({ type: 'time', path: '/proc/1/ns/time' }); },
    '/linux/timeOffsets: time namespace enabled, but both namespace path and time offsets specified -- you may only provide one');
  check(t, (c) => { c.linux.timeOffsets = offsets; c.linux.namespaces.push({ type: 'time' }); }, undefined);
  check(t, (c) => { c.linux.timeOffsets = {}; }, undefined, 'no offsets');
  check(t, (c) => { c.linux.namespaces.push({ type: 'time', path: '/proc/1/ns/time' }); }, undefined);
});

t.test('maskedPaths and readonlyPaths: absolute, and a mount namespace', async (t) => {
  check(t, (c) => { c.linux.maskedPaths.push('proc/keys'); }, '/linux/maskedPaths/1: must be an absolute path (got "proc/keys")');
  check(t, (c) => { c.linux.readonlyPaths = ['/proc/bus', '']; }, '/linux/readonlyPaths/1: must be an absolute path (got "")');
  const noMount = (c: any) => { c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'mount'); };
  check(t, noMount, '/linux/maskedPaths: unable to restrict sys entries without a private MNT namespace');
  check(t, (c) => { noMount(c); c.linux.maskedPaths = []; }, '/linux/readonlyPaths: unable to restrict sys entries without a private MNT namespace');
  check(t, (c) => { noMount(c); c.linux.maskedPaths = []; c.linux.readonlyPaths = []; }, undefined);
});

t.test('linux.devices: absolute paths, major and minor unless a fifo', async (t) => {
  check(t, (c) => { c.linux.devices = [{ path: 'dev/fuse', type: 'c', major: 10, minor: 229 }]; },
    '/linux/devices/0/path: must be an absolute path (got "dev/fuse")');
  check(t, (c) => { c.linux.devices = [{ path: '/dev/fuse', type: 'c', minor: 229 }]; }, '/linux/devices/0/major: is required for a device of type "c"');
  check(t, (c) => { c.linux.devices = [{ path: '/dev/sda', type: 'b', major: 8 }]; }, '/linux/devices/0/minor: is required for a device of type "b"');
  check(t, (c) => { c.linux.devices = [{ path: '/dev/u', type: 'u', major: 4 }]; }, '/linux/devices/0/minor: is required for a device of type "u"');
  check(t, (c) => { c.linux.devices = [{ path: '/dev/fifo', type: 'p' }, { path: '/dev/null2', type: 'c', major: 1, minor: 3 }]; }, undefined);
});

t.test('seccomp', async (t) => {
  const sc = (c: any, s: object) => { c.linux.seccomp = s; };
  check(t, (c) => sc(c, { syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }), '/linux/seccomp/defaultAction: is required');
  check(t, (c) => sc(c, {}), undefined, 'an empty seccomp object is ignored, as runc does');
  check(t, (c) => sc(c, { defaultAction: 'SCMP_ACT_NOTIFY', listenerPath: '/run/agent.sock' }),
    '/linux/seccomp/defaultAction: SCMP_ACT_NOTIFY cannot be used as default action');
  check(t, (c) => sc(c, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read', ''], action: 'SCMP_ACT_ERRNO' }] }),
    '/linux/seccomp/syscalls/0/names/1: empty string is not a valid syscall');
  check(t, (c) => sc(c, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_LOG' }, { names: ['mknod', 'write'], action: 'SCMP_ACT_NOTIFY' }] }),
    '/linux/seccomp/syscalls/1/action: SCMP_ACT_NOTIFY cannot be used for the write syscall');
  check(t, (c) => sc(c, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_KILL', errnoRet: 1 }] }),
    '/linux/seccomp/syscalls/0/errnoRet: SCMP_ACT_KILL does not take an errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)',
    'errnoRet with an action that has no errno is refused (the spec\'s MUST; runc ignores it: conformance/DEVIATIONS.md)');
  check(t, (c) => sc(c, { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, syscalls: [{ names: ['unknown_syscall_name'], action: 'SCMP_ACT_ALLOW' }] }),
    undefined, 'unknown syscall names are left to the seccomp compiler');
});

t.test('memoryPolicy: nodes fit the mode', async (t) => {
  check(t, (c) => { c.linux.memoryPolicy = { mode: 'MPOL_BIND' }; },
    '/linux/memoryPolicy/nodes: memory policy mode MPOL_BIND requires at least one node but got 0');
  check(t, (c) => { c.linux.memoryPolicy = { mode: 'MPOL_LOCAL', nodes: '0-1' }; },
    '/linux/memoryPolicy/nodes: memory policy mode MPOL_LOCAL requires 0 nodes but got 2');
  check(t, (c) => { c.linux.memoryPolicy = { mode: 'MPOL_INTERLEAVE', nodes: '0-3,x' }; },
    '/linux/memoryPolicy/nodes: invalid memory policy nodes "0-3,x"');
  check(t, (c) => { c.linux.memoryPolicy = { mode: 'MPOL_INTERLEAVE', nodes: '3-1' }; },
    '/linux/memoryPolicy/nodes: invalid memory policy nodes "3-1"');
  check(t, (c) => { c.linux.memoryPolicy = { mode: 'MPOL_PREFERRED' }; }, undefined);
  check(t, (c) => { c.linux.memoryPolicy = { mode: 'MPOL_DEFAULT', nodes: '' }; }, undefined);
  check(t, (c) => { c.linux.memoryPolicy = { mode: 'MPOL_WEIGHTED_INTERLEAVE', nodes: '0,2-3', flags: ['MPOL_F_STATIC_NODES'] }; }, undefined);
});

t.test('the schema runs first: a semantic rule never sees a wrong type', async (t) => {
  check(t, (c) => { c.process.cwd = 5; }, '/process/cwd: must be a string');
  check(t, (c) => { c.linux.namespaces = [{ type: 'pid', path: 7 }]; }, '/linux/namespaces/0/path: must be a string');
});
