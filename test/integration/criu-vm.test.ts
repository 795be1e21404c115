// Checkpoint and restore with CRIU, in the test VM (test/vm): Debian 12's criu 3.17 fails on this
// host's newer kernel for runc too ("vdso: Unexpected rt vDSO area bounds"), the VM's Debian 6.1
// kernel is one where it works. One busybox boot runs every step with the runtime under test
// (runts, or runc with RUNTIME=runc). The container is a counter (multitool count: 0, 1, 2, ...
// every 0.1 s on stdout, a pipe to a `cat` into the share): after a restore its count goes on
// from where the checkpoint stopped it, on the pipe the restore was given (runc's and runts'
// descriptors.json, criu's inherit-fd). Steps: checkpoint then restore; --leave-running, then a
// restore of that image under a new id; a pre-dump then a dump with --parent-path, restored; state,
// kill and delete on a restored container; a foreground restore; the prestart and createRuntime
// hooks run again during a restore (criu's setup-namespaces), with the restored pid; a restore
// whose prestart hook fails runs the poststop hooks and leaves nothing; errors (no image). The container
// joins a network namespace by path (`ip netns add`: criu's external one, as in runc's tests):
// the VM kernel lacks modules criu needs to dump a network namespace's own contents.
import t from 'tap';
import { Harness, ID_PREFIX } from '../lib/runtime.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { CRIU_MODULES, criuSkip, loadModules } from '../vm/criu.js';
import { numbers, piped, waitLines } from '../vm/criu-shell.js';
import { runInVm, vmSkipReason } from '../vm/vm.js';

const NETNS = '/run/netns/rtst-criu';

function script(share: string, bundle: string, hooked: string, failing: string): string {
  const id = (n: string) => `${ID_PREFIX}criu-${n}`;
  const img = (n: string) => `--image-path /tmp/img-${n} --work-path /tmp/work-${n}`;
  const waitGone = (n: string) => `for i in $(seq 300); do $RT state ${id(n)} >/dev/null 2>&1 || break; sleep 0.1; done`;
  return steps(share, [
    'step criuversion criu --version',
    // criu's kernel probe (kerndat: TCP repair) connects over the loopback, which the VM leaves down
    'ip link set lo up',
    ...loadModules(share, CRIU_MODULES),
    'step criucheck criu check',
    `step netns ip netns add ${NETNS.split('/').pop()}`,
    // 1. checkpoint (the container goes) then restore: the count goes on
    piped(share, 'run1', `run -d --bundle ${bundle} ${id('a')}`),
    waitLines(share, 'run1', 5),
    `step ckpt1 $RT checkpoint ${img('a')} ${id('a')}`,
    `step gone1 $RT state ${id('a')}`,
    piped(share, 'rst1', `restore -d ${img('a')} --bundle ${bundle} ${id('a')}`),
    waitLines(share, 'rst1', 5),
    `step state1 $RT state ${id('a')}`,
    // 2. --leave-running: it goes on counting; the image restored under a new id once it is gone
    `step before2 tail -n 1 ${share}/rst1.out`,
    `step ckpt2 $RT checkpoint --leave-running ${img('b')} ${id('a')}`,
    `step after2 tail -n 1 ${share}/rst1.out`,
    `step running2 $RT state ${id('a')}`,
    `step kill2 $RT kill ${id('a')} KILL`,
    waitGone('a'),
    `for i in $(seq 300); do $RT state ${id('a')} 2>/dev/null | grep -q '"stopped"' && break; sleep 0.1; done`,
    `step stopped2 $RT state ${id('a')}`,
    `step delete2 $RT delete ${id('a')}`,
    piped(share, 'rst2', `restore -d ${img('b')} --bundle ${bundle} ${id('b')}`),
    waitLines(share, 'rst2', 5),
    `step state2 $RT state ${id('b')}`,
    `step delete2b $RT delete --force ${id('b')}`,
    // 3. a pre-dump, then a dump on top of it (--parent-path, relative to the image), restored.
    // (On a fresh container: runc 1.1.5's restored container has a process outside its tree in
    // its cgroup, "Unseizable non-zombie ... found", and runc's pre-dump of it fails.)
    piped(share, 'run3', `run -d --bundle ${bundle} ${id('p')}`),
    waitLines(share, 'run3', 5),
    `step predump $RT checkpoint --pre-dump ${img('pre')} ${id('p')}`,
    `step running3 $RT state ${id('p')}`,
    `step ckpt3 $RT checkpoint --parent-path ../img-pre ${img('c')} ${id('p')}`,
    `step parent3 ls /tmp/img-c/parent`,
    piped(share, 'rst3', `restore -d ${img('c')} --bundle ${bundle} ${id('c')}`),
    waitLines(share, 'rst3', 5),
    `step delete3 $RT delete --force ${id('c')}`,
    `step gone3 $RT state ${id('c')}`,
    // 4. a restore in the foreground: the runtime waits for the restored init and reports its status
    piped(share, 'run4', `run -d --bundle ${bundle} ${id('d')}`),
    waitLines(share, 'run4', 5),
    `step ckpt4 $RT checkpoint ${img('d')} ${id('d')}`,
    piped(share, 'rst4', `restore ${img('d')} --bundle ${bundle} ${id('d')}`),
    waitLines(share, 'rst4', 5),
    `step kill4 $RT kill ${id('d')} KILL`,
    `for i in $(seq 300); do [ -s ${share}/rst4.rc ] && break; sleep 0.1; done`,
    `step gone4 $RT state ${id('d')}`,
    // 5. errors
    `step noimage $RT restore --image-path /tmp/none --bundle ${bundle} ${id('e')}`,
    `step noimage-gone $RT state ${id('e')}`,
    `step notrunning $RT checkpoint --image-path /tmp/img-x ${id('x')}`,
    // 6. hooks: prestart and createRuntime run again during the restore, with the restored pid
    piped(share, 'run6', `run -d --bundle ${hooked} ${id('h')}`),
    waitLines(share, 'run6', 5),
    `step ckpt6 $RT checkpoint ${img('h')} ${id('h')}`,
    piped(share, 'rst6', `restore -d ${img('h')} --bundle ${hooked} ${id('h')}`),
    waitLines(share, 'rst6', 5),
    `step state6 $RT state ${id('h')}`,
    `step delete6 $RT delete --force ${id('h')}`,
    // 7. a restore whose prestart hook fails: it fails, nothing is left, the poststop hooks run
    piped(share, 'run7', `run -d --bundle ${failing} ${id('f')}`),
    waitLines(share, 'run7', 5),
    `step ckpt7 $RT checkpoint ${img('f')} ${id('f')}`,
    `step poststop7a cat ${share}/hook-poststop.out`,
    `touch ${share}/fail-prestart`,
    `step rst7 $RT restore -d ${img('f')} --bundle ${failing} ${id('f')}`,
    `step gone7 $RT state ${id('f')}`,
    `step poststop7b cat ${share}/hook-poststop.out`,
    // criu's logs, for the failures' messages
    `for f in /tmp/work-*/*.log; do cp "$f" ${share}/criulog-$(basename $(dirname "$f"))-$(basename "$f"); done`,
  ]);
}

t.test('checkpoint and restore with criu, in the VM', { skip: vmSkipReason() || criuSkip() }, async (t) => {
  const h = new Harness(t);
  // The container joins a network namespace made by `ip netns add` (criu's "external" one, as in
  // runc's tests): the VM kernel lacks what criu needs to dump a network namespace's own contents.
  const bundle = h.bundle(['count'], (s) => {
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: NETNS } : n));
  }).dir;
  // The same with prestart and createRuntime hooks that append the state they are given to a file.
  const hooked = h.bundle(['count'], (s) => {
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: NETNS } : n));
    const hook = (n: string) => ({ path: '/bin/sh', args: ['sh', '-c', `cat >> ${h.dir}/hook-${n}.out; echo >> ${h.dir}/hook-${n}.out`] });
    s.hooks = { prestart: [hook('prestart')], createRuntime: [hook('createRuntime')] };
  }).dir;
  // A prestart hook that fails once SHARE/fail-prestart exists (made between the checkpoint and the
  // restore), and a poststop hook that appends the state it is given.
  const failing = h.bundle(['count'], (s) => {
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: NETNS } : n));
    s.hooks = {
      prestart: [{ path: '/bin/sh', args: ['sh', '-c', `cat > /dev/null; ! [ -e ${h.dir}/fail-prestart ]`] }],
      poststop: [{ path: '/bin/sh', args: ['sh', '-c', `cat >> ${h.dir}/hook-poststop.out; echo >> ${h.dir}/hook-poststop.out`] }],
    };
  }).dir;
  const vm = runInVm(h.dir, script(h.dir, bundle, hooked, failing), { timeoutMs: 600_000 });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  const s = (n: string) => readStep(h.dir, n);
  const piped = (n: string) => ({ out: readStep(h.dir, n, 'out'), rc: readStep(h.dir, n, 'rc').trim() });
  t.comment(s('criuversion').out.trim());
  t.comment(`criu check: ${s('criucheck').out.trim()} ${s('criucheck').err.trim().split('\n').slice(-3).join(' | ')}; insmod: ${readStep(h.dir, 'insmod', 'err').trim()}`);

  const goesOn = (before: string, after: string, what: string) => {
    const b = numbers(piped(before).out), a = numbers(piped(after).out);
    t.ok(b.length >= 5, `${what}: counted before (${b.length} lines)`);
    t.ok(a.length >= 5 && a[0] >= Math.max(...b), `${what}: the count goes on after the restore (before: ..${b.slice(-2).join(',')}; after: ${a.slice(0, 3).join(',')}.. ; ${piped(after).out.slice(0, 300)})`);
    t.same(a, a.map((_, i) => a[0] + i), `${what}: consecutive after the restore`);
  };
  /** The lines of criu's log around its first error (the later ones follow from it). */
  const criuLog = (n: string, op = 'dump') => {
    const lines = readStep(h.dir, `criulog-work-${n}-${op}`, 'log').split('\n');
    const i = lines.findIndex((l) => /Error \(/.test(l));
    return i < 0 ? '' : lines.slice(Math.max(0, i - 25), i + 3).join('\n');
  };
  t.equal(s('ckpt1').rc, 0, `checkpoint: ${s('ckpt1').err}\n${criuLog('a')}`);
  t.equal(s('gone1').rc, 1, 'a checkpoint without --leave-running removes the container');
  t.match(s('gone1').err, /does not exist/);
  t.equal(piped('rst1').rc, '0', `restore -d: ${piped('rst1').out.slice(0, 500)}`);
  goesOn('run1', 'rst1', 'checkpoint, restore');
  t.match(s('state1').out, /"status": "running"/, `state of the restored container: ${s('state1').err}`);

  t.equal(s('ckpt2').rc, 0, `checkpoint --leave-running: ${s('ckpt2').err}`);
  t.match(s('running2').out, /"status": "running"/, '--leave-running: it still runs');
  t.equal(s('kill2').rc, 0, `kill of the restored container: ${s('kill2').err}`);
  t.match(s('stopped2').out, /"status": "stopped"/, 'stopped after kill');
  t.equal(s('delete2').rc, 0, `delete of the restored container: ${s('delete2').err}`);
  t.equal(piped('rst2').rc, '0', `restore under a new id: ${piped('rst2').out.slice(0, 500)}`);
  // The image was taken between before2 and after2 while the counter went on: the restored count
  // starts in between.
  const at = [Number(s('before2').out.trim()), Number(s('after2').out.trim())], b = numbers(piped('rst2').out);
  t.ok(b.length >= 5 && b[0] > at[0] && b[0] <= at[1] + 1, `restore under a new id: the count goes on from the checkpoint (${at.join('..')}: ${b.slice(0, 3).join(',')}..)`);
  t.same(b, b.map((_, i) => b[0] + i), 'restore under a new id: consecutive');
  t.match(s('state2').out, /"status": "running"/, 'state under the new id');
  t.equal(s('delete2b').rc, 0, `delete --force: ${s('delete2b').err}`);

  t.equal(s('predump').rc, 0, `checkpoint --pre-dump: ${s('predump').err}\n${criuLog('pre')}`);
  t.match(s('running3').out, /"status": "running"/, 'a pre-dump leaves it running');
  t.equal(s('ckpt3').rc, 0, `checkpoint --parent-path: ${s('ckpt3').err}\n${criuLog('c')}`);
  t.equal(s('parent3').rc, 0, 'the image links its parent');
  t.equal(piped('rst3').rc, '0', `restore of the dump over a pre-dump: ${piped('rst3').out.slice(0, 500)}`);
  goesOn('run3', 'rst3', 'pre-dump, dump');
  t.equal(s('delete3').rc, 0, `delete --force of a restored container: ${s('delete3').err}`);
  t.equal(s('gone3').rc, 1, 'deleted');

  t.equal(s('ckpt4').rc, 0, `checkpoint: ${s('ckpt4').err}`);
  goesOn('run4', 'rst4', 'foreground restore');
  t.equal(s('kill4').rc, 0, `kill: ${s('kill4').err}`);
  t.equal(piped('rst4').rc, '137', 'the foreground restore exits with the init\'s status (SIGKILL)');
  t.equal(s('gone4').rc, 1, 'and deletes the container');

  t.equal(s('ckpt6').rc, 0, `checkpoint of a container with hooks: ${s('ckpt6').err}`);
  t.equal(piped('rst6').rc, '0', `restore of a container with hooks: ${piped('rst6').out.slice(0, 500)}\n${criuLog('h', 'restore')}`);
  goesOn('run6', 'rst6', 'a container with hooks');
  const restoredPid = (JSON.parse(s('state6').out || '{}') as { pid?: number }).pid;
  for (const kind of ['prestart', 'createRuntime']) {
    const states = readStep(h.dir, `hook-${kind}`, 'out').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; pid: number });
    t.equal(states.length, 2, `${kind}: ran at the run and again at the restore (${states.length})`);
    t.equal(states[1]?.id, `${ID_PREFIX}criu-h`, `${kind} at the restore: the container's id`);
    t.equal(states[1]?.pid, restoredPid, `${kind} at the restore: the restored init's pid (${restoredPid})`);
  }
  t.equal(s('delete6').rc, 0, `delete --force: ${s('delete6').err}`);

  const poststops = (n: string) => s(n).out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; status: string });
  t.equal(s('ckpt7').rc, 0, `checkpoint of a container with a poststop hook: ${s('ckpt7').err}`);
  t.equal(s('rst7').rc, 1, `a restore whose prestart hook fails fails: ${s('rst7').err}`);
  t.equal(s('gone7').rc, 1, 'and leaves no container');
  const before7 = poststops('poststop7a'), after7 = poststops('poststop7b');
  t.equal(after7.length, before7.length + 1, `the failed restore ran the poststop hooks (${before7.length} -> ${after7.length})`);
  t.match(after7.at(-1), { id: `${ID_PREFIX}criu-f`, status: 'stopped' }, 'with the container\'s state, stopped');
  t.equal(s('noimage').rc, 1, 'restore without an image fails');
  t.equal(s('noimage').err.trim().split('\n').length, 1, `in one line: ${s('noimage').err}`);
  t.equal(s('noimage-gone').rc, 1, 'and leaves no container');
  t.equal(s('notrunning').rc, 1, `checkpoint of a missing container: ${s('notrunning').err}`);
});
