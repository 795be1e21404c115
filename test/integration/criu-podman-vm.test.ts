// Podman's checkpoint and restore with the runtime under test (--runtime: runts, or runc with
// RUNTIME=runc), in the test VM's busybox boot (criu 3.17 works on its Debian 6.1 kernel, not on
// this host's; see criu-vm.test.ts). Debian's podman 4.3 and conmon run from the host's files with
// their storage (vfs), run root and tmpdir on the VM's /run (tmpfs), the cgroupfs manager and file
// events (no systemd). The image is a rootfs tarball with the static test program (`podman
// import`), the container a counter (multitool count: 0, 1, 2, ... every 0.1 s, --network none: a
// network namespace of its own with only lo, which criu dumps) whose output Podman keeps in its
// k8s-file log. Steps: `podman container checkpoint` (the container exits), `restore`: the log's
// count goes on; `checkpoint --leave-running --print-stats` (it goes on; criu's statistics, which
// Podman reads from the image); `checkpoint --pre-checkpoint` then `--with-previous` (the
// runtime's --pre-dump, then --parent-path), restored; `checkpoint --export`, then `restore
// --import` under a new name: the new container's count goes on from the export, in a cgroup of
// its own; `podman rm -f` of both leaves no container, conmon, runtime state, cgroup or mount.
// What Podman checks before each checkpoint and restore: criu at least 3.11 (go-criu's VERSION
// request to `criu swrk`; 3.16 into a pod) and the runtime's `checkpoint --help` exiting 0; before a
// restore into a pod, `restore --lsm-mount-context` answering "flag needs an argument" (not tested
// here: a pod's infra container does not start in this VM with runc either, its init's open of
// /dev/null failing with EPERM). What it runs: `checkpoint --image-path --work-path
// [--leave-running | --pre-dump | --parent-path ../pre-checkpoint] [--tcp-established]
// [--file-locks] ID`, `delete --force` after a checkpoint that stops it; conmon's `restore --bundle
// --pid-file --detach --image-path --work-path [--tcp-established] [--file-locks] ID`. RTST_PODMAN_TRACE=1 gives Podman a wrapper as its runtime that records them
// (shown as comments).
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tar, type TarEntry } from '../e2e/lib/oci-image.js';
import { BIN, Harness, ID_PREFIX, IS_RUNC, MULTITOOL } from '../lib/runtime.js';
import { CRIU_MODULES, criuSkip, loadModules } from '../vm/criu.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { runInVm, vmSkipReason } from '../vm/vm.js';

const IMAGE = 'localhost/rtst-count:latest';
const NAME = `${ID_PREFIX}podcr`;
const NEW = `${ID_PREFIX}podcr-new`;
const DIR = '/run/rtst-podman';
const EXPORT = '/tmp/rtst-podcr-export.tar';

/** false, or the binary the VM (running the host's files) lacks. */
const podmanSkip = (): string | false => {
  const missing = ['/usr/bin/podman', '/usr/bin/conmon'].find((b) => !existsSync(b));
  return missing ? `no ${missing} on the host (scripts/setup-host.sh installs Debian's podman)` : false;
};

/** The image's only layer: the test program, and the directories the runtime mounts on. */
function rootfsTar(): Buffer {
  const dirs: TarEntry[] = ['dev', 'proc', 'sys', 'etc', 'run', 'tmp'].map((d) => ({ type: 'dir', path: d }));
  return tar([...dirs, { type: 'file', path: 'multitool', data: readFileSync(MULTITOOL), mode: 0o755 }]);
}

/** Shell line: waits (up to 30 s) until `podman logs NAME` has more lines than the shell variable VAR says, plus N. */
const waitMore = (p: string, name: string, v: string, n: number) =>
  `for i in $(seq 300); do [ "$(${p} logs ${name} 2>/dev/null | wc -l)" -ge $((${v} + ${n})) ] && break; sleep 0.1; done`;
/** Shell line: sets VAR to the number of lines of `podman logs NAME`. */
const count = (p: string, name: string, v: string) => `${v}=$(${p} logs ${name} 2>/dev/null | wc -l)`;

function script(share: string, runtime: string): string {
  const P = `podman --root ${DIR}/root --runroot ${DIR}/runroot --tmpdir ${DIR}/tmp --storage-driver vfs ` +
    `--cgroup-manager cgroupfs --events-backend file --runtime ${runtime}`;
  return steps(share, [
    'step criuversion criu --version',
    // criu's kernel probe (kerndat: TCP repair) connects over the loopback, which the VM leaves down
    'ip link set lo up',
    ...loadModules(share, CRIU_MODULES),
    `mkdir -p ${DIR}`,
    `step import ${P} import ${share}/rootfs.tar ${IMAGE}`,
    `step run ${P} run -d --name ${NAME} --network none --log-driver k8s-file ${IMAGE} /multitool count`,
    'N=0', waitMore(P, NAME, 'N', 5),
    // 1. checkpoint (the container stops), restore: the count goes on in the same log
    `step ckpt ${P} container checkpoint ${NAME}`,
    `step ckptstate ${P} inspect --format '{{.State.Status}} {{.State.Checkpointed}}' ${NAME}`,
    count(P, NAME, 'N'),
    `step restore ${P} container restore ${NAME}`,
    waitMore(P, NAME, 'N', 5),
    `step rstate ${P} inspect --format '{{.State.Status}} {{.State.Restored}}' ${NAME}`,
    `step log1 ${P} logs ${NAME}`,
    // 2. --leave-running (with criu's statistics, which Podman reads from the image): it goes on counting
    `step ckptlr ${P} container checkpoint --leave-running --print-stats ${NAME}`,
    `step lrstate ${P} inspect --format '{{.State.Status}}' ${NAME}`,
    count(P, NAME, 'N'), waitMore(P, NAME, 'N', 5),
    `step log2 ${P} logs ${NAME}`,
    // 3. a pre-checkpoint (the runtime's --pre-dump; it goes on), a checkpoint on top of it
    // (--with-previous: the runtime's --parent-path), restore: the count goes on. Both with
    // --tcp-established and --file-locks, which Podman passes on to the runtime (conmon for restore)
    `step precp ${P} container checkpoint --pre-checkpoint ${NAME}`,
    `step prestate ${P} inspect --format '{{.State.Status}}' ${NAME}`,
    `step ckptprev ${P} container checkpoint --with-previous --tcp-established --file-locks ${NAME}`,
    count(P, NAME, 'N'),
    `step restore2 ${P} container restore --tcp-established --file-locks ${NAME}`,
    waitMore(P, NAME, 'N', 5),
    `step log4 ${P} logs ${NAME}`,
    // 4. --export (the container stops), --import under a new name: its count goes on from there
    `step ckptexp ${P} container checkpoint --export ${EXPORT} ${NAME}`,
    `step explog ${P} logs ${NAME}`,
    `step import2 ${P} container restore --import ${EXPORT} --name ${NEW}`,
    // the export holds the container's log: the new container's log starts with it
    count(P, NAME, 'N'), waitMore(P, NEW, 'N', 5),
    `step nstate ${P} inspect --format '{{.State.Status}} {{.State.Restored}}' ${NEW}`,
    `step log3 ${P} logs ${NEW}`,
    // 5. podman rm -f leaves nothing
    `step newcg sh -c "cat /proc/$(${P} inspect --format '{{.State.Pid}}' ${NEW})/cgroup"`,
    `step ids ${P} ps -a --no-trunc --format '{{.ID}} {{.Names}}'`,
    `step rm ${P} rm -f ${NAME} ${NEW}`,
    `step left sh -c "${P} ps -a -q | wc -l"`,
    `step conmon sh -c "pgrep -c -x conmon || true"`,
    `step rtlist ${BIN} list -q`,
    // the containers' cgroups (Podman's cgroupfs manager: libpod_parent/libpod-ID)
    "step cgroups find /sys/fs/cgroup -type d -name 'libpod-*'",
    // the containers' mounts (their /dev/shm tmpfs in the storage, the runtime's) under the VM's /run
    `step mounts sh -c "grep -E ' (${DIR}|/run/runts|/run/runc)' /proc/mounts || true"`,
    `step rmi ${P} rmi ${IMAGE}`,
    // criu's logs, for the failures' messages
    `find ${DIR} /tmp \\( -name dump.log -o -name restore.log \\) 2>/dev/null | while read f; do cp "$f" ${share}/criu-$(basename "$f"); done`,
    `if [ -e ${share}/trace ]; then cp ${share}/trace ${share}/trace.out; fi`,
  ]);
}

/**
 * runc 1.1.5 gives criu no cgroup root on cgroup v2 (libcontainer's criuApplyCgroups stops before
 * it), so a container restored under a new name runs in the cgroup named in the image, the
 * exported container's, and `runc delete` leaves that one behind.
 */
const runcCgroupSkip = IS_RUNC ? "runc 1.1.5 restores the process into the exported container's cgroup (no cgroup root for criu on cgroup v2) and leaves it behind" : false;

/** criu's statistics of a dump in `podman container checkpoint --print-stats` output. */
function criuStats(out: string): Record<string, number> | undefined {
  try {
    const j = JSON.parse(out) as { container_statistics?: { criu_statistics?: Record<string, number> }[] };
    return j.container_statistics?.[0]?.criu_statistics;
  } catch { return undefined; }
}

const numbers = (text: string) => text.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
const consecutive = (a: number[]) => a.every((n, i) => n === a[0] + i);

t.test('Podman checkpoint and restore, in the VM', { skip: vmSkipReason() || criuSkip() || podmanSkip() }, async (t) => {
  const h = new Harness(t);
  writeFileSync(join(h.dir, 'rootfs.tar'), rootfsTar());
  // RTST_PODMAN_TRACE=1: the runtime is a wrapper that records each command line Podman and conmon give it
  let runtime = BIN;
  if (process.env.RTST_PODMAN_TRACE) {
    runtime = join(h.dir, 'trace.sh');
    writeFileSync(runtime, `#!/bin/sh\necho "$*" >> ${h.dir}/trace\nexec ${BIN} "$@"\n`, { mode: 0o755 });
  }
  const vm = runInVm(h.dir, script(h.dir, runtime), { timeoutMs: 900_000 });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  const s = (n: string) => readStep(h.dir, n);
  const criuLog = (op: string) => {
    const lines = readStep(h.dir, `criu-${op}`, 'log').split('\n');
    const i = lines.findIndex((l) => /Error \(/.test(l));
    return i < 0 ? '' : lines.slice(Math.max(0, i - 20), i + 3).join('\n');
  };
  const ok = (n: string, what: string, more = '') => t.equal(s(n).rc, 0, s(n).rc === 0 ? what : `${what}: ${s(n).err.trim()}${more}`);
  t.comment(s('criuversion').out.trim());
  if (process.env.RTST_PODMAN_TRACE) t.comment(readStep(h.dir, 'trace', 'out'));

  ok('import', 'podman import of the rootfs tarball');
  ok('run', 'podman run -d');
  ok('ckpt', 'podman container checkpoint', `\n${criuLog('dump')}`);
  t.equal(s('ckptstate').out.trim(), 'exited true', 'checkpointed: the container exited');
  ok('restore', 'podman container restore', `\n${criuLog('restore')}`);
  t.equal(s('rstate').out.trim(), 'running true', 'restored: it runs');
  const l1 = numbers(s('log1').out);
  t.ok(l1.length >= 10 && consecutive(l1) && l1[0] === 0, `the count goes on after the restore, in the same log: ${l1.length} lines, ${l1.slice(0, 3).join(',')}..${l1.slice(-2).join(',')}`);

  ok('ckptlr', 'podman container checkpoint --leave-running --print-stats', `\n${criuLog('dump')}`);
  t.equal(s('lrstate').out.trim(), 'running', '--leave-running: it still runs');
  const l2 = numbers(s('log2').out);
  t.ok(l2.length >= l1.length + 5 && consecutive(l2), `--leave-running: the count goes on (${l2.length} lines, ..${l2.slice(-2).join(',')})`);
  const stats = criuStats(s('ckptlr').out);
  t.ok((stats?.pages_written ?? 0) > 0 && (stats?.freezing_time ?? 0) > 0, `--print-stats: criu's statistics of the dump (${JSON.stringify(stats)})`);

  ok('precp', 'podman container checkpoint --pre-checkpoint', `\n${criuLog('dump')}`);
  t.equal(s('prestate').out.trim(), 'running', 'a pre-checkpoint leaves it running');
  ok('ckptprev', 'podman container checkpoint --with-previous --tcp-established --file-locks', `\n${criuLog('dump')}`);
  ok('restore2', 'podman container restore --tcp-established --file-locks of a checkpoint with a previous one', `\n${criuLog('restore')}`);
  const l4 = numbers(s('log4').out);
  t.ok(l4.length >= l2.length + 5 && consecutive(l4), `pre-checkpoint, checkpoint, restore: the count goes on (${l4.length} lines, ..${l4.slice(-2).join(',')})`);

  ok('ckptexp', 'podman container checkpoint --export', `\n${criuLog('dump')}`);
  ok('import2', 'podman container restore --import --name', `\n${criuLog('restore')}`);
  t.equal(s('nstate').out.trim(), 'running true', 'the imported container runs');
  // the export holds the container's log, which the new container's log starts with
  const exported = numbers(s('explog').out), last = Math.max(...exported), l3 = numbers(s('log3').out);
  t.ok(l3.length >= exported.length + 5 && consecutive(l3) && l3.includes(last + 1),
    `the imported container's count goes on from the export (exported at ${last}; its log: ${l3.length} lines, ${l3.slice(0, 2).join(',')}..${l3.slice(-2).join(',')})`);
  const newId = /^(\w+) \S+-new$/m.exec(s('ids').out)?.[1];
  t.equal(s('newcg').out.trim(), `0::/libpod_parent/libpod-${newId}`, 'the imported container runs in its own cgroup', { skip: runcCgroupSkip });

  ok('rm', 'podman rm -f');
  t.equal(s('left').out.trim(), '0', 'no container left');
  t.equal(s('conmon').out.trim(), '0', 'no conmon left');
  t.equal(s('rtlist').out.trim(), '', `no container left in the runtime's state: ${s('rtlist').err.trim()}`);
  t.equal(s('cgroups').out.trim(), '', 'no container cgroup left', { skip: runcCgroupSkip });
  t.equal(s('mounts').out.trim(), '', 'no container mount left');
  ok('rmi', 'podman rmi');
});
