// Restore of a terminal container with CRIU, in the test VM (busybox boot; why a VM:
// criu-vm.test.ts). A terminal counter (multitool count, process.terminal) runs detached with
// --console-socket (test/prog/console-receiver: it prints what it reads from the pty master,
// until the pty hangs up); it is checkpointed, then restored `restore -d --console-socket` with a
// new receiver: criu makes a new pty pair for the restored slave (criu_opts' orphan_pts_master)
// and sends its master over the RPC socket, the runtime sends it on to the console socket, and
// the count goes on on the new master. Then state, kill and delete on the restored container;
// the image restored again in the foreground under script(1), the runtime proxying its terminal.
// The runtime under test runs and checkpoints it too: a terminal dump needs criu's RPC with
// orphan_pts_master (criu 3.17's command line has none, and refuses the container's /dev/console,
// a bind of a pty whose master is outside the dump: "tty: Unable to find a master for /0").
// A container in a UTS namespace joined by path is restored into it again (criu's join_ns, as
// runc). Errors: a terminal restore -d without --console-socket, a --console-socket without a terminal
// (runc's texts). --lsm-profile (the VM boots with AppArmor, as lsm-apparmor.test.ts): a
// container confined by a profile, checkpointed and restored with --lsm-profile naming another,
// runs under that one (criu 3.17 rewrites only a profile the dump recorded: an unconfined
// process stays unconfined); Podman's probe of --lsm-mount-context. Not tested: --lsm-mount-context's effect (an SELinux context:
// the VM has no SELinux policy), --shell-job (runc's tests do not restore a terminal with it).
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, ID_PREFIX } from '../lib/runtime.js';
import { RECEIVER } from '../lib/console.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { CRIU_MODULES, criuSkip, loadModules } from '../vm/criu.js';
import { runInVm, VM_CACHE, vmSkipReason } from '../vm/vm.js';
import type { Spec } from '../../src/spec/types.js';

const NETNS = '/run/netns/rtst-criu-tty';
const PROFILE = 'rtst-criu-aa';
const UTS = '/run/rtst-ns/uts';
/** Profiles A and B: everything allowed (criu traces and restores the confined process). */
const PROFILE_TEXT = ['', '-b'].map((x) => `profile ${PROFILE}${x} flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  signal,
  network,
  unix,
  ptrace,
}
`).join('');

/** Shell line: waits until FILE has at least N lines (or 30 s). */
const waitLines = (file: string, n: number) => `for i in $(seq 300); do [ "$(wc -l < ${file} 2>/dev/null || echo 0)" -ge ${n} ] && break; sleep 0.1; done`;
/** Shell line: `$RT ARGS` in the background, stdin a pipe, stdout and stderr a pipe into SHARE/NAME.out. */
const piped = (share: string, name: string, args: string) =>
  `( sleep 100000 | { $RT ${args}; echo $? > ${share}/${name}.rc; } 2>&1 | cat > ${share}/${name}.out ) &`;
/** Shell line: a console receiver at SOCK in the background, its output in SHARE/NAME.out. */
const receiver = (share: string, name: string) =>
  `rm -f /tmp/${name}.sock; ${RECEIVER} /tmp/${name}.sock eof > ${share}/${name}.out 2>&1 & ` +
  `for i in $(seq 100); do [ -S /tmp/${name}.sock ] && break; sleep 0.1; done`;

function script(share: string, bundle: string, plain: string, confined: string, joined: string): string {
  const id = `${ID_PREFIX}criu-tty`;
  const img = '--image-path /tmp/img-tty --work-path /tmp/work-tty';
  return steps(share, [
    'ip link set lo up',
    ...loadModules(share, CRIU_MODULES),
    `step netns ip netns add ${NETNS.split('/').pop()}`,
    receiver(share, 'recv1'),
    `step run $RT run -d --console-socket /tmp/recv1.sock --bundle ${bundle} ${id}`,
    waitLines(`${share}/recv1.out`, 6),
    `step ckpt $RT checkpoint ${img} ${id}`,
    `step gone $RT state ${id}`,
    receiver(share, 'recv2'),
    `step rst $RT restore -d --console-socket /tmp/recv2.sock ${img} --bundle ${bundle} ${id}`,
    waitLines(`${share}/recv2.out`, 6),
    `step state $RT state ${id}`,
    `step kill $RT kill ${id} KILL`,
    `for i in $(seq 300); do $RT state ${id} 2>/dev/null | grep -q '"stopped"' && break; sleep 0.1; done`,
    `step stopped $RT state ${id}`,
    `step delete $RT delete ${id}`,
    `step deleted $RT state ${id}`,
    // a foreground restore of the terminal under script(1): the runtime proxies its own terminal
    `( sleep 100000 | script -qec "$RT restore ${img} --bundle ${bundle} ${id}-fg; echo rc=\\$?" /dev/null > ${share}/fg.out 2>&1 ) &`,
    waitLines(`${share}/fg.out`, 5),
    `step fgstate $RT state ${id}-fg`,
    `step fgkill $RT kill ${id}-fg KILL`,
    `for i in $(seq 300); do grep -q rc= ${share}/fg.out && break; sleep 0.1; done`,
    `step fggone $RT state ${id}-fg`,
    // --lsm-profile: a container confined by profile A, checkpointed, restored under profile B
    `step aaload ${VM_CACHE}/apparmor/sbin/apparmor_parser --replace --skip-cache ${share}/profile`,
    piped(share, 'aarun', `run -d --pid-file /tmp/aarun.pid --bundle ${confined} ${id}-aa`),
    waitLines(`${share}/aarun.out`, 3),
    'step aabefore sh -c "cat /proc/$(cat /tmp/aarun.pid)/attr/current"',
    `step aackpt $RT checkpoint --image-path /tmp/img-aa --work-path /tmp/work-aa ${id}-aa`,
    piped(share, 'aarst', `restore -d --pid-file /tmp/aarst.pid --lsm-profile apparmor:${PROFILE}-b --image-path /tmp/img-aa --work-path /tmp/work-aa --bundle ${confined} ${id}-aa`),
    waitLines(`${share}/aarst.out`, 3),
    'step aaafter sh -c "cat /proc/$(cat /tmp/aarst.pid)/attr/current"',
    `step aadelete $RT delete --force ${id}-aa`,
    // a UTS namespace joined by path: the restored init joins it again (criu's join_ns), as runc
    'mkdir -p /run/rtst-ns && mount -t tmpfs tmpfs /run/rtst-ns && mount --make-private /run/rtst-ns',
    `step nsmake sh -c "touch ${UTS} && unshare --uts=${UTS} hostname rtst-joined"`,
    piped(share, 'nsrun', `run -d --bundle ${joined} ${id}-ns`),
    waitLines(`${share}/nsrun.out`, 3),
    `step nsckpt $RT checkpoint --image-path /tmp/img-ns --work-path /tmp/work-ns ${id}-ns`,
    piped(share, 'nsrst', `restore -d --pid-file /tmp/nsrst.pid --image-path /tmp/img-ns --work-path /tmp/work-ns --bundle ${joined} ${id}-ns`),
    waitLines(`${share}/nsrst.out`, 3),
    `step nsinode sh -c "stat -L -c %i ${UTS} /proc/$(cat /tmp/nsrst.pid)/ns/uts"`,
    `step nsdelete $RT delete --force ${id}-ns`,
    `step lsmarg $RT restore --lsm-mount-context`,
    `step noconsole $RT restore -d ${img} --bundle ${bundle} ${id}-e`,
    `step noconsole-gone $RT state ${id}-e`,
    `step notty $RT restore -d --console-socket /tmp/recv1.sock ${img} --bundle ${plain} ${id}-e`,
    `for f in /tmp/work-tty/*.log; do cp "$f" ${share}/criulog-$(basename "$f"); done`,
  ]);
}

/** The numbers the counter wrote to the pty (lines end in \r\n on a terminal). */
const numbers = (text: string) => text.split('\n').slice(1).map((l) => l.replace(/\r+$/, '')).filter((l) => /^\d+$/.test(l)).map(Number);

t.test('checkpoint and restore of a terminal container, in the VM', { skip: vmSkipReason() || criuSkip() }, async (t) => {
  const h = new Harness(t);
  const netns = (s: Spec) => {
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: NETNS } : n));
  };
  const bundle = h.bundle(['count'], (s) => { netns(s); s.process!.terminal = true; }).dir;
  const plain = h.bundle(['count'], netns).dir;
  const confined = h.bundle(['count'], (s) => { netns(s); s.process!.apparmorProfile = PROFILE; }).dir;
  const joined = h.bundle(['count'], (s) => {
    netns(s);
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'uts' ? { type: 'uts', path: UTS } : n));
    delete s.hostname; // the joined namespace's, not the container's to set
  }).dir;
  writeFileSync(join(h.dir, 'profile'), PROFILE_TEXT);
  const vm = runInVm(h.dir, script(h.dir, bundle, plain, confined, joined), { append: ['apparmor=1', 'security=apparmor'], timeoutMs: 600_000 });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  const s = (n: string) => readStep(h.dir, n);
  const out = (n: string) => readStep(h.dir, n, 'out');
  const criuLog = (op: string) => {
    const lines = readStep(h.dir, `criulog-${op}`, 'log').split('\n');
    const i = lines.findIndex((l) => /Error \(/.test(l));
    return i < 0 ? '' : lines.slice(Math.max(0, i - 20), i + 3).join('\n');
  };

  t.equal(s('run').rc, 0, `run -d --console-socket: ${s('run').err}`);
  t.match(out('recv1'), /^fds=1 master=1 /, `the first receiver got the pty master: ${out('recv1').slice(0, 200)}`);
  const before = numbers(out('recv1'));
  t.ok(before.length >= 5, `counted on the first master (${before.length} lines)`);
  t.equal(s('ckpt').rc, 0, `checkpoint of a terminal container: ${s('ckpt').err}\n${s('ckpt').rc ? criuLog('dump') : ''}`);
  t.equal(s('gone').rc, 1, 'the checkpoint removed the container');

  t.equal(s('rst').rc, 0, `restore -d --console-socket: ${s('rst').err}\n${s('rst').rc ? criuLog('restore') : ''}`);
  t.match(out('recv2'), /^fds=1 master=1 /, `the second receiver got a new pty master: ${out('recv2').slice(0, 200)}`);
  const after = numbers(out('recv2'));
  t.ok(after.length >= 5 && after[0] >= Math.max(...before), `the count goes on on the new master (before: ..${before.slice(-2).join(',')}; after: ${after.slice(0, 3).join(',')}..)`);
  t.same(after, after.map((_, i) => after[0] + i), 'consecutive after the restore');
  t.match(s('state').out, /"status": "running"/, `state of the restored container: ${s('state').err}`);
  t.equal(s('kill').rc, 0, `kill: ${s('kill').err}`);
  t.match(s('stopped').out, /"status": "stopped"/, 'stopped after kill');
  t.equal(s('delete').rc, 0, `delete: ${s('delete').err}`);
  t.equal(s('deleted').rc, 1, 'deleted');

  const fg = readStep(h.dir, 'fg', 'out'), fgCount = numbers(fg);
  t.ok(fgCount.length >= 4 && fgCount[0] >= Math.max(...before), `a foreground restore: the count goes on on the runtime's terminal (${fg.slice(0, 120)})`);
  t.match(s('fgstate').out, /"status": "running"/, `state of the foreground restore: ${s('fgstate').err}`);
  t.match(fg, /rc=137/, 'it exits with the init\'s status (SIGKILL)');
  t.equal(s('fggone').rc, 1, 'and deletes the container');

  t.equal(s('aaload').rc, 0, `apparmor_parser loaded the profiles: ${s('aaload').err}`);
  t.equal(s('aabefore').out.trim(), `${PROFILE} (enforce)`, `the container runs confined by its profile: ${s('aabefore').err}`);
  t.equal(s('aackpt').rc, 0, `checkpoint of the confined container: ${s('aackpt').err}`);
  t.equal(readStep(h.dir, 'aarst', 'rc').trim(), '0', `restore --lsm-profile apparmor:${PROFILE}-b: ${readStep(h.dir, 'aarst', 'out').slice(0, 300)}`);
  t.equal(s('aaafter').out.trim(), `${PROFILE}-b (enforce)`, `the restored init runs under the profile --lsm-profile names: ${s('aaafter').err}`);
  t.ok(numbers('\n' + readStep(h.dir, 'aarst', 'out')).length >= 3, 'and counts on');
  t.equal(s('aadelete').rc, 0, `delete --force: ${s('aadelete').err}`);
  t.equal(s('nsmake').rc, 0, `a UTS namespace bound at ${UTS}: ${s('nsmake').err}`);
  t.equal(s('nsckpt').rc, 0, `checkpoint of a container in a joined UTS namespace: ${s('nsckpt').err}`);
  t.equal(readStep(h.dir, 'nsrst', 'rc').trim(), '0', `its restore: ${readStep(h.dir, 'nsrst', 'out').slice(0, 300)}`);
  const inodes = s('nsinode').out.trim().split('\n');
  t.ok(inodes.length === 2 && inodes[0] === inodes[1], `the restored init is in the joined UTS namespace again (${inodes.join(' vs ')}) ${s('nsinode').err}`);
  t.equal(s('nsdelete').rc, 0, `delete --force: ${s('nsdelete').err}`);

  // Podman probes `restore --lsm-mount-context` and looks for urfave/cli's text
  t.match(s('lsmarg').err, /flag needs an argument: -lsm-mount-context/, 'restore knows --lsm-mount-context');
  t.equal(s('noconsole').rc, 1, 'a terminal restore -d without --console-socket fails');
  t.match(s('noconsole').err, /cannot allocate tty if runc will detach without setting console socket/);
  t.equal(s('noconsole-gone').rc, 1, 'and leaves no container');
  t.equal(s('notty').rc, 1, '--console-socket without a terminal fails');
  t.match(s('notty').err, /cannot use console socket if runc will not detach or allocate tty/);
});
