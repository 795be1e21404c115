// restore --systemd-cgroup with CRIU, in the test VM booted with systemd on a pure cgroup v2
// hierarchy (test/vm, init: 'systemd'; why a VM: criu-vm.test.ts). A counter run with
// --systemd-cgroup (cgroupsPath "rtst.slice:rtst:<id>": the scope rtst-<id>.scope) is
// checkpointed (its unit goes with it) and restored with --systemd-cgroup: the runtime starts the
// unit again (runc: with criu's own pid, before criu restores into its cgroup), the restored init
// is in the scope, the count goes on; state, kill and delete, which stops the unit.
import t from 'tap';
import { Harness, ID_PREFIX } from '../lib/runtime.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { CRIU_MODULES, criuSkip, loadModules } from '../vm/criu.js';
import { runInVm, systemdVmSkipReason } from '../vm/vm.js';

const NETNS = '/run/netns/rtst-criu-sd';
const ID = `${ID_PREFIX}criu-sd`;
const UNIT = `rtst-${ID}.scope`;

/** Shell line: waits until FILE has at least N lines (or 30 s). */
const waitLines = (file: string, n: number) => `for i in $(seq 300); do [ "$(wc -l < ${file} 2>/dev/null || echo 0)" -ge ${n} ] && break; sleep 0.1; done`;
/** Shell line: `$RT ARGS` in the background, stdin a pipe, stdout and stderr a pipe into SHARE/NAME.out. */
const piped = (share: string, name: string, args: string) =>
  `( sleep 100000 | { $RT ${args}; echo $? > ${share}/${name}.rc; } 2>&1 | cat > ${share}/${name}.out ) &`;

function script(share: string, bundle: string): string {
  const RT = '$RT --systemd-cgroup';
  const img = '--image-path /tmp/img-sd --work-path /tmp/work-sd';
  return steps(share, [
    'ip link set lo up',
    ...loadModules(share, CRIU_MODULES),
    `step netns ip netns add ${NETNS.split('/').pop()}`,
    piped(share, 'run', `--systemd-cgroup run -d --bundle ${bundle} ${ID}`),
    waitLines(`${share}/run.out`, 5),
    `step active1 systemctl is-active ${UNIT}`,
    `step ckpt ${RT} checkpoint ${img} ${ID}`,
    `step gone ${RT} state ${ID}`,
    `for i in $(seq 100); do systemctl is-active -q ${UNIT} || break; sleep 0.1; done`,
    `step unitgone1 systemctl is-active ${UNIT}`,
    piped(share, 'rst', `--systemd-cgroup restore -d ${img} --bundle ${bundle} ${ID}`),
    waitLines(`${share}/rst.out`, 5),
    `step state ${RT} state ${ID}`,
    `step active2 systemctl is-active ${UNIT}`,
    `step initcg sh -c "cat /proc/$(${RT} state ${ID} | sed -n 's/.*\\"pid\\": \\([0-9]*\\).*/\\1/p')/cgroup"`,
    `step procs sh -c "cat /sys/fs/cgroup/rtst.slice/${UNIT}/cgroup.procs | wc -l"`,
    `step kill ${RT} kill ${ID} KILL`,
    `for i in $(seq 300); do ${RT} state ${ID} 2>/dev/null | grep -q '"stopped"' && break; sleep 0.1; done`,
    `step delete ${RT} delete ${ID}`,
    `for i in $(seq 100); do systemctl is-active -q ${UNIT} || break; sleep 0.1; done`,
    `step unitgone2 systemctl is-active ${UNIT}`,
    `for f in /tmp/work-sd/*.log; do cp "$f" ${share}/criulog-$(basename "$f"); done`,
  ]);
}

const numbers = (text: string) => text.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);

t.test('restore --systemd-cgroup, in the systemd VM (cgroup v2)', { skip: systemdVmSkipReason() || criuSkip() }, async (t) => {
  const h = new Harness(t);
  const bundle = h.bundle(['count'], (s) => {
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: NETNS } : n));
    s.linux!.cgroupsPath = `rtst.slice:rtst:${ID}`;
  }).dir;
  const vm = runInVm(h.dir, script(h.dir, bundle), { init: 'systemd', cgroup: 'v2', timeoutMs: 900_000 });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  const s = (n: string) => readStep(h.dir, n);
  const piped = (n: string) => ({ out: readStep(h.dir, n, 'out'), rc: readStep(h.dir, n, 'rc').trim() });
  const criuLog = (op: string) => {
    const lines = readStep(h.dir, `criulog-${op}`, 'log').split('\n');
    const i = lines.findIndex((l) => /Error \(/.test(l));
    return i < 0 ? '' : lines.slice(Math.max(0, i - 20), i + 3).join('\n');
  };

  t.equal(piped('run').rc, '0', `run -d --systemd-cgroup: ${piped('run').out.slice(0, 300)}`);
  t.equal(s('active1').out.trim(), 'active', 'the scope is active');
  t.equal(s('ckpt').rc, 0, `checkpoint: ${s('ckpt').err}\n${criuLog('dump')}`);
  t.equal(s('gone').rc, 1, 'the checkpoint removed the container');
  t.not(s('unitgone1').out.trim(), 'active', 'and its unit');

  t.equal(piped('rst').rc, '0', `restore -d --systemd-cgroup: ${piped('rst').out.slice(0, 500)}\n${criuLog('restore')}`);
  const before = numbers(piped('run').out), after = numbers(piped('rst').out);
  t.ok(after.length >= 5 && after[0] >= Math.max(...before), `the count goes on (before: ..${before.slice(-2).join(',')}; after: ${after.slice(0, 3).join(',')}..)`);
  t.match(s('state').out, /"status": "running"/, `state: ${s('state').err}`);
  t.equal(s('active2').out.trim(), 'active', 'the scope is active again');
  t.equal(s('initcg').out.trim(), `0::/rtst.slice/${UNIT}`, `the restored init is in the scope: ${s('initcg').err}`);
  // the unit was started with criu's pid: criu has exited, the restored init is what is left
  t.equal(s('procs').out.trim(), '1', 'the scope holds the restored init only');
  t.equal(s('kill').rc, 0, `kill: ${s('kill').err}`);
  t.equal(s('delete').rc, 0, `delete: ${s('delete').err}`);
  t.not(s('unitgone2').out.trim(), 'active', 'delete stops the unit');
});
