// containerd's checkpoint and restore with the runtime under test, in the test VM's busybox boot
// (criu 3.17 works on its Debian 6.1 kernel, not on this host's; see criu-vm.test.ts). containerd
// (Debian's 1.6) runs in the background with its root and state on the VM's /run (tmpfs); ctr
// runs the container through the runc v2 shim with the runtime as its binary (--runc-binary; the
// runtime under test: runts, or runc with RUNTIME=runc). The container shares the VM's network
// namespace (--net-host: the VM kernel lacks what criu needs to dump a network namespace's own
// contents) and counts (0, 1, 2, ... every 0.1 s) into a file on a bind mount. Steps: `ctr
// containers checkpoint --task` (a checkpoint image holding the task's criu image and the
// container's spec and runtime options; the task goes on), the task killed and deleted, the
// container deleted, `ctr containers restore --live` (containerd 1.6's ctr has no `task start
// --checkpoint`): the restored count starts where the checkpoint took it and goes on, the
// restored container has the same runtime binary; then kill, delete, and the image removed.
import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configToml } from '../e2e/lib/containerd.js';
import { optionsBinaryName } from '../e2e/lib/shim-options.js';
import { ociArch, writeImage } from '../e2e/lib/oci-image.js';
import { BIN, Harness, ID_PREFIX } from '../lib/runtime.js';
import { CRIU_MODULES, criuSkip, loadModules } from '../vm/criu.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { runInVm, vmSkipReason } from '../vm/vm.js';

const IMAGE = 'docker.io/rtst/busybox:latest';
const CKPT = 'docker.io/rtst/checkpoint:1';
const ID = `${ID_PREFIX}ctrcr`;
const DIR = '/run/rtst-containerd';
const CNT = '/run/rtst-count';
const COUNT = `${CNT}/count`;
/** false, or the containerd binary the VM (running the host's files) lacks. */
const ctrSkip = (): string | false => {
  const missing = ['containerd', 'ctr', 'containerd-shim-runc-v2'].find((b) => !existsSync(`/usr/bin/${b}`));
  return missing ? `no /usr/bin/${missing} on the host (scripts/setup-host.sh installs Debian's containerd)` : false;
};
const COUNTER = 'i=0; while :; do echo $i >> /cnt/count; i=$((i+1)); sleep 0.1; done';

/** Shell line: waits (up to 30 s) until COUNT has N more lines than the shell variable VAR says. */
const waitMore = (v: string, n: number) => `for i in $(seq 300); do [ "$(wc -l < ${COUNT} 2>/dev/null || echo 0)" -ge $((${v} + ${n})) ] && break; sleep 0.1; done`;

/** Shell line: waits (up to 30 s) until the task is STOPPED. */
const waitStopped = (c: string) => `for i in $(seq 300); do ${c} task ls | grep -q "^${ID} .*STOPPED" && break; sleep 0.1; done`;

function script(share: string): string {
  const C = `ctr -a ${DIR}/containerd.sock -n rtst`;
  return steps(share, [
    'step criuversion criu --version',
    // criu's kernel probe (kerndat: TCP repair) connects over the loopback, which the VM leaves down
    'ip link set lo up',
    ...loadModules(share, CRIU_MODULES),
    `mkdir -p ${DIR} ${CNT}`,
    `containerd --config ${share}/containerd.toml >${share}/containerd.log 2>&1 & CTRD=$!`,
    `for i in $(seq 300); do [ -S ${DIR}/containerd.sock ] && ${C} version >/dev/null 2>&1 && break; sleep 0.2; done`,
    `step import ${C} images import --platform linux/${ociArch()} ${share}/image.tar`,
    `step run ${C} run -d --runc-binary ${BIN} --net-host --mount type=bind,src=${CNT},dst=/cnt,options=rbind:rw ${IMAGE} ${ID} sh -c '${COUNTER}'`,
    'N=0', waitMore('N', 5),
    `step before tail -n 1 ${COUNT}`,
    `step ckpt ${C} containers checkpoint --task ${ID} ${CKPT}`,
    `step after tail -n 1 ${COUNT}`,
    `step info ${C} containers info ${ID}`,
    `step kill ${C} task kill -s KILL ${ID}`,
    waitStopped(C),
    `step taskdel ${C} task delete ${ID}`,
    `step cdel ${C} containers delete ${ID}`,
    // what the restored task writes comes after this line
    `echo restore >> ${COUNT}`, `N=$(wc -l < ${COUNT})`,
    `step restore ${C} containers restore --live ${ID} ${CKPT}`,
    waitMore('N', 5),
    `step rls sh -c "${C} task ls | grep '^${ID} '"`,
    `step rinfo ${C} containers info ${ID}`,
    `step rkill ${C} task kill -s KILL ${ID}`,
    waitStopped(C),
    `step rtaskdel ${C} task delete ${ID}`,
    `step rcdel ${C} containers delete ${ID}`,
    `step rmimage ${C} images rm ${CKPT}`,
    `step left sh -c "${C} containers ls -q | wc -l"`,
    `cp ${COUNT} ${share}/count.txt`,
    // criu's logs, for the failures' messages
    `find /run /tmp \\( -name dump.log -o -name restore.log \\) 2>/dev/null | while read f; do cp "$f" ${share}/criu-$(basename "$f"); done`,
    'kill $CTRD; wait $CTRD',
  ]);
}

/** The container's runtime (name and BinaryName) from `ctr containers info` output. */
function runtimeOf(info: string): { name?: string; binary?: string } {
  try {
    const r = (JSON.parse(info) as { Runtime?: { Name?: string; Options?: { value?: string } } }).Runtime;
    return { name: r?.Name, binary: optionsBinaryName(Buffer.from(r?.Options?.value ?? '', 'base64')) };
  } catch { return {}; }
}

const numbers = (lines: string[]) => lines.filter((l) => /^\d+$/.test(l)).map(Number);

t.test('containerd checkpoint and restore (ctr), in the VM', { skip: vmSkipReason() || criuSkip() || ctrSkip() }, async (t) => {
  const h = new Harness(t);
  writeFileSync(join(h.dir, 'containerd.toml'), configToml({
    root: `${DIR}/root`, state: `${DIR}/state`, sock: `${DIR}/containerd.sock`,
    ttrpc: `${DIR}/containerd.sock.ttrpc`, debug: `${DIR}/debug.sock`, opt: `${DIR}/opt`,
  }));
  writeImage({ ref: IMAGE, entrypoint: [], cmd: ['sh'], env: ['PATH=/bin'], workingDir: '/' }, join(h.dir, 'image.tar'));
  const vm = runInVm(h.dir, script(h.dir), { timeoutMs: 600_000 });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  const s = (n: string) => readStep(h.dir, n);
  const log = () => readStep(h.dir, 'containerd', 'log').split('\n').filter((l) => /error|fail/i.test(l)).slice(-8).join('\n');
  const criuLog = (op: string) => {
    const lines = readStep(h.dir, `criu-${op}`, 'log').split('\n');
    const i = lines.findIndex((l) => /Error \(/.test(l));
    return i < 0 ? '' : lines.slice(Math.max(0, i - 20), i + 3).join('\n');
  };
  const ok = (n: string, what: string, more = '') => t.equal(s(n).rc, 0, s(n).rc === 0 ? what : `${what}: ${s(n).err.trim()}\n${log()}${more}`);
  t.comment(s('criuversion').out.trim());

  ok('import', 'ctr images import');
  ok('run', 'ctr run -d');
  const rt = runtimeOf(s('info').out);
  t.same(rt, { name: 'io.containerd.runc.v2', binary: BIN }, `through the runc v2 shim with BinaryName ${BIN}`);
  ok('ckpt', 'ctr containers checkpoint --task', `\n${criuLog('dump')}`);
  ok('kill', 'ctr task kill');
  ok('taskdel', 'ctr task delete');
  ok('cdel', 'ctr containers delete');
  ok('restore', 'ctr containers restore --live', `\n${criuLog('restore')}`);

  const lines = readStep(h.dir, 'count', 'txt').split('\n');
  const mark = lines.indexOf('restore');
  const before = numbers(lines.slice(0, mark)), after = numbers(lines.slice(mark + 1));
  const at = [Number(s('before').out.trim()), Number(s('after').out.trim())];
  t.ok(before.length >= 5, `counted before the checkpoint (${before.length} lines)`);
  t.ok(mark > 0 && after.length >= 5 && after[0] > at[0] && after[0] <= at[1] + 1,
    `the restored count goes on from the checkpoint (checkpoint between ${at.join(' and ')}; restored: ${after.slice(0, 3).join(',')}..)`);
  t.same(after, after.map((_, i) => after[0] + i), 'consecutive after the restore');
  t.match(s('rls').out, /RUNNING/, `the restored task runs: ${s('rls').out.trim()} ${s('rls').err.trim()}`);
  t.same(runtimeOf(s('rinfo').out), rt, 'the restored container has the same runtime and binary');
  ok('rkill', 'ctr task kill of the restored task');
  ok('rtaskdel', 'ctr task delete of the restored task');
  ok('rcdel', 'ctr containers delete of the restored container');
  ok('rmimage', 'ctr images rm of the checkpoint');
  t.equal(s('left').out.trim(), '0', 'no container left');
});
