// The plans create and exec send to the stages (src/container/plan.ts; the messages are drawn in
// src/protocol/messages.ts): NS_PLAN for runts-nsexec, INIT_PLAN for the init, FINALIZE_PLAN for runts-finalize, read
// back by attribute name. The clone flags and capability numbers are the kernel's, written out.
import t from 'tap';
import { dedupEnv, execNsPlan, finalizePlan, initPlan, newNamespaces, nsPlan, type InitPlanOpts, type StagePaths } from '../../src/container/plan.js';
import { decodeInitPlan } from '../../src/protocol/init-plan.js';
import type { Attr } from '../../src/protocol/framing.js';
import { ATTR } from '../../src/protocol/messages.js';
import type { Namespace, Process, Spec } from '../../src/spec/types.js';

type Name = keyof typeof ATTR;
const NAME = new Map<number, string>(Object.entries(ATTR).map(([k, v]) => [v, k]));
const names = (attrs: Attr[]) => attrs.map((a) => NAME.get(a.type) ?? `attribute ${a.type}`);
const values = (attrs: Attr[], name: Name) => attrs.filter((a) => a.type === ATTR[name]).map((a) => a.value);
const u32s = (attrs: Attr[], name: Name) => values(attrs, name).map((b) => b.readUInt32LE(0));
const strs = (attrs: Attr[], name: Name) => values(attrs, name).map((b) => b.toString());
const u32 = (attrs: Attr[], name: Name) => u32s(attrs, name)[0];

const CLONE = { mount: 0x20000, uts: 0x4000000, ipc: 0x8000000, user: 0x10000000, pid: 0x20000000, network: 0x40000000, cgroup: 0x2000000, time: 0x80 };
const paths: StagePaths = { engine: '/lib/runts/engine', engineArgs: ['init', '/lib/runts'], nsexec: '/n', finalize: '/f', idmap: '/i' };
const ns = (...list: (Namespace['type'] | [Namespace['type'], string])[]): Namespace[] =>
  list.map((n) => (typeof n === 'string' ? { type: n } : { type: n[0], path: n[1] }));
const spec = (over: Partial<Spec> = {}, process: Partial<Process> = {}): Spec => ({
  ociVersion: '1.2.0', process: { cwd: '/work', args: ['sh'], user: { uid: 0, gid: 0 }, ...process }, ...over,
});

t.test('newNamespaces: the ones made, not the ones joined by path', (t) => {
  t.same([...newNamespaces(spec({ linux: { namespaces: ns('pid', ['network', '/proc/1/ns/net'], 'mount') } }))], ['pid', 'mount']);
  t.same([...newNamespaces(spec())], [], 'no linux section');
  t.end();
});

t.test('NS_PLAN (create): clone flags of the new namespaces but cgroup, joins by path, time offsets, the init', (t) => {
  const s = spec({ linux: {
    namespaces: ns('pid', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time', ['network', '/var/run/netns/x']),
    timeOffsets: { monotonic: { secs: 5, nanosecs: 7 }, boottime: { secs: -3 } },
  } });
  const plan = nsPlan(s, paths, { sync: 4, finalize: 6, engine: 7 });
  t.equal(u32(plan, 'CLONE_FLAGS'), CLONE.pid | CLONE.mount | CLONE.ipc | CLONE.uts | CLONE.user | CLONE.time,
    'the cgroup namespace is left to the init (made once it is in its cgroup)');
  const join = values(plan, 'NS_PATH');
  t.equal(join.length, 1);
  t.equal(join[0].readUInt32LE(0), CLONE.network, 'the clone flag first');
  t.equal(join[0].subarray(4).toString(), '/var/run/netns/x', 'then the path');
  t.same(strs(plan, 'TIME_OFFSETS'), ['monotonic 5 7\nboottime -3 0\n'], 'as /proc/self/timens_offsets reads it');
  t.same(strs(plan, 'INIT_ARG'), ['/lib/runts/engine', 'init', '/lib/runts', '4'], 'the engine, its args, the sync fd');
  t.equal(u32(plan, 'ENGINE_FD'), 7);
  t.equal(u32(plan, 'FINALIZE_FD'), 6);
  const bare = nsPlan(spec(), paths, { sync: 3, finalize: 5 });
  t.equal(u32(bare, 'CLONE_FLAGS'), 0, 'no namespaces');
  t.same(names(bare).filter((n) => n === 'NS_PATH' || n === 'TIME_OFFSETS' || n === 'ENGINE_FD'), [], 'and nothing else optional');
  t.end();
});

t.test("NS_PLAN (exec): every namespace of the init joined through /proc, runts-finalize exec'd directly", (t) => {
  const plan = execNsPlan(spec({ linux: { namespaces: ns('mount', 'network', ['ipc', '/x'], 'pid') } }), 1234, { sync: 3, finalize: 8 });
  t.equal(u32(plan, 'CLONE_FLAGS'), 0, 'nothing new');
  t.same(values(plan, 'NS_PATH').map((b) => [b.readUInt32LE(0), b.subarray(4).toString()]), [
    [CLONE.mount, '/proc/1234/ns/mnt'], [CLONE.network, '/proc/1234/ns/net'], [CLONE.ipc, '/proc/1234/ns/ipc'], [CLONE.pid, '/proc/1234/ns/pid'],
  ], "the init's, even for a namespace it joined by path");
  t.equal(u32(plan, 'DIRECT_FINALIZE'), 1);
  t.equal(u32(plan, 'FINALIZE_FD'), 8);
  t.same(strs(plan, 'INIT_ARG'), [], 'no init');
  t.end();
});

t.test('dedupEnv: a variable given twice keeps its first place and its last value, as runc', (t) => {
  t.same(dedupEnv(['A=1', 'B=2', 'A=3', 'C', 'C=4', 'B=']), ['A=3', 'B=', 'C=4']);
  t.end();
});

t.test("FINALIZE_PLAN (create): the process's settings, the exec socket, kept fds, state, keyring", (t) => {
  const s = spec({ hooks: { startContainer: [{ path: '/h1', args: ['h', '-x'], env: ['E=1'], timeout: 3 }, { path: '/h2' }] } }, {
    args: ['/bin/sh', '-c', 'x'], env: ['PATH=/bin', 'A=1', 'A=2'], cwd: '/srv',
    user: { uid: 1000, gid: 100, additionalGids: [5, 6] }, noNewPrivileges: true,
    rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 }, { type: 'RLIMIT_CORE', soft: 0, hard: 2 ** 40 }],
    capabilities: { bounding: ['CAP_CHOWN', 'CAP_KILL'], effective: ['CAP_KILL'], inheritable: [], permitted: ['CAP_KILL', 'CAP_SYS_ADMIN'], ambient: ['CAP_NET_BIND_SERVICE'] },
    apparmorProfile: 'prof',
  });
  const plan = finalizePlan(s, { execSockFd: 5, keepFds: [3, 4], stateJson: '{"id":"c1"}', keyring: '_ses.c1' });
  t.equal(u32(plan, 'EXEC_SOCK_FD'), 5);
  t.same(u32s(plan, 'KEEP_FD'), [3, 4]);
  t.same(strs(plan, 'STATE_JSON'), ['{"id":"c1"}']);
  t.same(strs(plan, 'SESSION_KEYRING'), ['_ses.c1']);
  t.same(strs(plan, 'ARG'), ['/bin/sh', '-c', 'x']);
  t.same(strs(plan, 'ENV'), ['PATH=/bin', 'A=2'], 'deduplicated');
  t.same(strs(plan, 'CWD'), ['/srv']);
  t.same([u32(plan, 'UID'), u32(plan, 'GID')], [1000, 100]);
  t.same(u32s(plan, 'ADDITIONAL_GID'), [5, 6]);
  t.equal(u32(plan, 'NO_NEW_PRIVS'), 1);
  t.equal(u32(plan, 'UMASK'), 0o022, "the container's process: 0022 unless the config says otherwise");
  t.same(values(plan, 'RLIMIT').map((b) => [b.readUInt32LE(0), b.readBigUInt64LE(4), b.readBigUInt64LE(12)]),
    [[7, 1024n, 4096n], [4, 0n, 2n ** 40n]], "the kernel's resource numbers, soft, hard");
  const caps = values(plan, 'CAPS')[0];
  t.same(Array.from({ length: 5 }, (_, i) => caps.readBigUInt64LE(8 * i)),
    [1n << 0n | 1n << 5n, 1n << 5n, 0n, 1n << 5n | 1n << 21n, 1n << 10n], 'bounding, effective, inheritable, permitted, ambient');
  t.same(strs(plan, 'APPARMOR_PROFILE'), ['prof']);
  t.same(names(plan).filter((n) => n.startsWith('HOOK_')),
    ['HOOK_PATH', 'HOOK_ARG', 'HOOK_ARG', 'HOOK_ENV', 'HOOK_TIMEOUT', 'HOOK_PATH', 'HOOK_ARG'], 'each hook: its path, then its own attributes');
  t.same(strs(plan, 'HOOK_ARG'), ['h', '-x', '/h2'], 'a hook without args gets its path as argv[0]');
  t.same(names(plan).filter((n) => /CONSOLE|SECCOMP|PROCESS_LABEL|NO_PROCESS/.test(n)), [], 'nothing not asked for');
  t.end();
});

t.test('FINALIZE_PLAN: umask, console, seccomp, no capabilities, exec', (t) => {
  const own = finalizePlan(spec({}, { user: { uid: 0, gid: 0, umask: 0o077 } }), { execSockFd: 5, keepFds: [] });
  t.equal(u32(own, 'UMASK'), 0o077, "the config's umask");
  const exec = finalizePlan(spec({}, { consoleSize: { height: 24, width: 80 } }), { keepFds: [], console: { fd: 9, mount: false } });
  t.same(u32s(exec, 'UMASK'), [], "exec: the caller's umask is kept");
  t.same(u32s(exec, 'EXEC_SOCK_FD'), [], 'exec: no exec socket');
  t.equal(u32(exec, 'CONSOLE_SOCK_FD'), 9);
  t.same([values(exec, 'CONSOLE_SIZE')[0].readUInt32LE(0), values(exec, 'CONSOLE_SIZE')[0].readUInt32LE(4)], [24, 80], 'rows, columns');
  t.same(u32s(exec, 'MOUNT_CONSOLE'), [], 'exec: /dev/console is left alone');
  t.same(names(exec).filter((n) => n === 'CAPS'), [], 'no capabilities in the process: none sent');
  const create = finalizePlan(spec(), { execSockFd: 5, keepFds: [], console: { fd: 7, mount: true }, seccomp: { bpf: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), flags: 2 } });
  t.equal(u32(create, 'MOUNT_CONSOLE'), 1, 'create: the pty on /dev/console');
  t.same(values(create, 'SECCOMP_BPF'), [Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])]);
  t.equal(u32(create, 'SECCOMP_FLAGS'), 2);
  t.end();
});

t.test('FINALIZE_PLAN without a process: NO_PROCESS, so that start fails', (t) => {
  const plan = finalizePlan({ ociVersion: '1.2.0' }, { execSockFd: 5, keepFds: [] });
  t.equal(u32(plan, 'NO_PROCESS'), 1);
  t.same(strs(plan, 'CWD'), ['/']);
  t.same(strs(plan, 'ARG'), []);
  t.end();
});

const initOpts: InitPlanOpts = { rootfs: '/b/rootfs', bundle: '/b', noPivot: false, stateJson: '{"id":"c"}', lastFd: 4, trace: false };

t.test('INIT_PLAN (create): the namespaces the init makes or is in, the fds finalize inherits, the init part of the config', (t) => {
  const s = spec({ linux: { namespaces: ns('mount', 'uts', 'cgroup', 'pid'), resources: { pids: { limit: 5 } } } });
  const plan = initPlan(s, initOpts);
  t.same(plan, {
    rootfs: '/b/rootfs', bundle: '/b', noPivot: false, newMountNs: true, newUtsNs: true, newCgroupNs: true, inUserNs: false,
    stateJson: '{"id":"c"}', passFds: [0, 1, 2, 3, 4],
    spec: { ociVersion: '1.2.0', process: { cwd: '/work' }, linux: { namespaces: ns('mount', 'uts', 'cgroup', 'pid') } },
  });
  t.same(decodeInitPlan(JSON.stringify(plan)), plan, 'the init decodes what the parent builds');
  t.end();
});

t.test('INIT_PLAN: namespaces joined by path are not new (but a joined mount namespace is set up), a joined user namespace counts', (t) => {
  const plan = initPlan(spec({ linux: { namespaces: ns(['mount', '/proc/1/ns/mnt'], ['uts', '/x'], ['cgroup', '/y'], ['user', '/z']) } }), initOpts);
  t.same([plan.newMountNs, plan.newUtsNs, plan.newCgroupNs, plan.inUserNs], [true, false, false, true]);
  const none = initPlan(spec(), initOpts);
  t.same([none.newMountNs, none.newUtsNs, none.newCgroupNs, none.inUserNs], [false, false, false, false]);
  t.end();
});

t.test('INIT_PLAN: --no-pivot, tracing, the console socket fd', (t) => {
  const plan = initPlan(spec(), { ...initOpts, noPivot: true, trace: true, lastFd: 5 });
  t.equal(plan.noPivot, true);
  t.equal(plan.trace, true);
  t.same(plan.passFds, [0, 1, 2, 3, 4, 5]);
  t.notOk('trace' in initPlan(spec(), initOpts), 'no trace field unless tracing');
  t.end();
});
