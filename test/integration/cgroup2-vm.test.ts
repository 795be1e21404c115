// cgroup v2 on a real unified host: in the test VM (test/vm), whose Debian kernel boots with only
// cgroup2 mounted at /sys/fs/cgroup (this host is hybrid: its cgroup2 has hugetlb alone, so the
// v2 code is otherwise tested on fake trees). One boot runs every step with the runtime under test
// (runts, or runc with RUNTIME=runc): limits land in memory.max, pids.max and cpu.max, the eBPF
// device filter denies a node the rules do not allow and allows one they do (/dev/kmsg opened for
// writing, which needs no capability, unlike reading it), update, pause (cgroup.freeze), resume,
// ps, events --stats, delete removes the cgroup, a container with a cgroup namespace sees itself
// at / and its cgroup2 mount as its own cgroup, events reports an OOM kill (memory.events), and
// kill --all stops a container (cgroup.kill).
import t from 'tap';
import type { Spec } from '../../src/spec/types.js';
import { Harness, ID_PREFIX, seq } from '../lib/runtime.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { runInVm, vmSkipReason } from '../vm/vm.js';

const MiB = 1024 * 1024;
const KMSG = { path: '/dev/kmsg', type: 'c' as const, major: 1, minor: 11, fileMode: 0o644, uid: 0, gid: 0 };

function script(share: string, bundles: Record<string, string>): string {
  const id = (n: string) => `${ID_PREFIX}${n}`;
  const cg = (n: string) => `/sys/fs/cgroup/${id(n)}`;
  return steps(share, [
    'step mode stat -f -c %T /sys/fs/cgroup',
    `step run $RT run -d --bundle ${bundles.limited} ${id('v2')}`,
    `step memmax cat ${cg('v2')}/memory.max`,
    `step pidsmax cat ${cg('v2')}/pids.max`,
    `step cpumax cat ${cg('v2')}/cpu.max`,
    `step procs cat ${cg('v2')}/cgroup.procs`,
    `step denied $RT exec ${id('v2')} /multitool write /dev/kmsg rtst-denied`,
    `step zero $RT exec ${id('v2')} /multitool open /dev/zero`,
    `step update $RT update --memory ${128 * MiB} --pids-limit 60 ${id('v2')}`,
    `step memmax2 cat ${cg('v2')}/memory.max`,
    `step pidsmax2 cat ${cg('v2')}/pids.max`,
    `step pause $RT pause ${id('v2')}`,
    `step frozen cat ${cg('v2')}/cgroup.freeze`,
    `step paused $RT state ${id('v2')}`,
    `step resume $RT resume ${id('v2')}`,
    `step thawed cat ${cg('v2')}/cgroup.freeze`,
    `step ps $RT ps --format json ${id('v2')}`,
    `step stats $RT events --stats ${id('v2')}`,
    `step delete $RT delete --force ${id('v2')}`,
    `step gone ls -d ${cg('v2')}`,
    `step allowed $RT run --bundle ${bundles.allowed} ${id('v2-allow')}`,
    `step cgns $RT run --bundle ${bundles.cgns} ${id('v2-ns')}`,
    // an OOM kill seen by events (memory.events), then kill --all (cgroup.kill)
    `step oomrun $RT run -d --bundle ${bundles.oom} ${id('v2-oom')}`,
    `$RT events --interval 1s ${id('v2-oom')} >${share}/oomev.out 2>&1 & ev=$!`,
    `for i in $(seq 300); do [ -s ${share}/oomev.out ] && break; sleep 0.1; done`,
    `step alloc $RT exec ${id('v2-oom')} /multitool alloc 128`,
    `for i in $(seq 50); do grep -q '"oom"' ${share}/oomev.out && break; sleep 0.1; done`,
    'kill $ev',
    `step killall $RT kill --all ${id('v2-oom')} KILL`,
    `for i in $(seq 100); do $RT state ${id('v2-oom')} | grep -q '"stopped"' && break; sleep 0.1; done`,
    `step killed $RT state ${id('v2-oom')}`,
    `$RT delete --force ${id('v2-oom')}`,
  ]);
}

t.test('cgroup v2, in a VM whose /sys/fs/cgroup is cgroup2 only', { skip: vmSkipReason() }, async (t) => {
  const h = new Harness(t);
  const limited = (name: string) => (s: Spec) => {
    s.linux!.cgroupsPath = `/${ID_PREFIX}${name}`;
    s.linux!.devices = [KMSG];
    s.linux!.resources = { ...s.linux!.resources, memory: { limit: 64 * MiB }, pids: { limit: 50 }, cpu: { quota: 50000, period: 100000 } };
  };
  const bundles = {
    limited: h.bundle(['hold'], limited('v2')).dir,
    allowed: h.bundle(['write', '/dev/kmsg', 'rtst-allowed'], (s) => {
      limited('v2-allow')(s);
      s.linux!.resources!.devices = [...(s.linux!.resources!.devices ?? []), { allow: true, type: 'c', major: 1, minor: 11, access: 'w' }];
    }).dir,
    cgns: h.bundle(seq(['cat', '/proc/self/cgroup'], ['cat', '/sys/fs/cgroup/memory.max']), (s) => {
      limited('v2-ns')(s);
      s.linux!.namespaces!.push({ type: 'cgroup' }); // the spec's default mounts have /sys/fs/cgroup
    }).dir,
    oom: h.bundle(['hold'], (s) => {
      s.linux!.cgroupsPath = `/${ID_PREFIX}v2-oom`;
      s.linux!.resources = { ...s.linux!.resources, memory: { limit: 32 * MiB, swap: 32 * MiB } };
    }).dir,
  };
  const vm = runInVm(h.dir, script(h.dir, bundles), { timeoutMs: 300_000 });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  const s = (n: string) => readStep(h.dir, n);
  const text = (n: string) => s(n).out.trim();

  t.equal(text('mode'), 'cgroup2fs', 'the VM\'s /sys/fs/cgroup is cgroup2');
  t.equal(s('run').rc, 0, `run -d: ${s('run').err}`);
  t.equal(text('memmax'), String(64 * MiB), 'memory.limit in memory.max');
  t.equal(text('pidsmax'), '50', 'pids.limit in pids.max');
  t.equal(text('cpumax'), '50000 100000', 'quota and period in cpu.max');
  t.ok(text('procs').split('\n').length >= 1 && text('procs') !== '', `the init is in the container's cgroup: ${text('procs')}`);
  t.equal(text('denied'), 'errno EPERM', 'the eBPF filter denies a node no rule allows');
  t.equal(text('zero'), 'ok', 'and allows the default ones');
  t.equal(s('update').rc, 0, `update: ${s('update').err}`);
  t.equal(text('memmax2'), String(128 * MiB), 'update --memory');
  t.equal(text('pidsmax2'), '60', 'update --pids-limit');
  t.equal(s('pause').rc, 0, `pause: ${s('pause').err}`);
  t.equal(text('frozen'), '1', 'pause sets cgroup.freeze');
  t.match(s('paused').out, /"status": "paused"/, 'state says paused');
  t.equal(text('thawed'), '0', 'resume clears it');
  const pids = JSON.parse(s('ps').out || 'null') as number[] | null;
  t.ok(Array.isArray(pids) && pids.length >= 1, `ps --format json: ${s('ps').out.trim()} ${s('ps').err}`);
  const stats = JSON.parse(s('stats').out || '{}') as { type?: string; data?: { memory?: { usage?: { limit?: number } }; pids?: { limit?: number } } };
  t.equal(stats.type, 'stats', `events --stats: ${s('stats').err}`);
  t.equal(stats.data?.memory?.usage?.limit, 128 * MiB, 'stats: the memory limit');
  t.equal(stats.data?.pids?.limit, 60, 'stats: the pids limit');
  t.equal(s('delete').rc, 0, `delete --force: ${s('delete').err}`);
  t.not(s('gone').rc, 0, 'delete removed the cgroup');
  t.equal(s('cgns').rc, 0, `run with a cgroup namespace: ${s('cgns').err}`);
  t.same(text('cgns').split('\n'), ['0::/', String(64 * MiB)], 'in its cgroup namespace the container is at / and its cgroup2 mount is its own cgroup');
  t.equal(s('oomrun').rc, 0, `run -d with a 32 MiB limit: ${s('oomrun').err}`);
  t.equal(s('alloc').rc, 137, `an exec'd process allocating 128 MiB is killed: ${s('alloc').out}${s('alloc').err}`);
  t.match(readStep(h.dir, 'oomev').out, /\{"type":"oom","id":"[^"]+"\}/, 'events reported the OOM kill');
  t.equal(s('killall').rc, 0, `kill --all: ${s('killall').err}`);
  t.match(s('killed').out, /"status": "stopped"/, 'kill --all KILL stopped the container');
  t.equal(text('allowed'), 'ok', `a rule allowing the node lets it open: ${s('allowed').out}${s('allowed').err} (rc ${s('allowed').rc})`);
});
