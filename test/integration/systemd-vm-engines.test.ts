// containerd and Docker with the systemd cgroup driver, in the test VM booted with systemd on a
// pure cgroup v2 hierarchy (one boot per runtime under test: runts, or runc with RUNTIME=runc).
// containerd (Debian's 1.6) is started with systemd-run, its root and state on a tmpfs; ctr runs
// the runtime through the runc v2 shim with SystemdCgroup (--runc-systemd-cgroup) and BinaryName
// (--runc-binary): ctr cannot take them from containerd's config (checked with Debian's 1.6.20,
// the CRI plugin loaded and its runtimes.runc.options set to SystemdCgroup = true and a logging
// BinaryName): containerd 1.6 applies those options to CRI's containers only, a plain `ctr run`
// (with or without --runtime-config-path, which ctr passes to runtimes other than
// io.containerd.runc.v2 only) reached the runc on PATH without --systemd-cgroup, and
// `--runtime runc` (the CRI runtime's name) is refused as an invalid runtime name; the shim gets
// exactly the options a CRI client's container would carry, so the flags test the same path.
// Debian 12 has no CRI client (no cri-tools). run --rm prints its cgroup, the scope
// system.slice/rtst-ctr-<id>.scope; run -d with --memory-limit has MemoryMax in the unit and
// memory.max; task exec, kill, delete, and the scope is gone. Docker (Debian's docker.io, 20.10) runs dockerd with
// native.cgroupdriver=systemd and the runtime added as `runts` (runc is Docker's own `runc`),
// its data root on a tmpfs, no network, the VM's files' apparmor_parser on its PATH (the VM's
// kernel has AppArmor: Docker loads docker-default and confines its containers); the image is
// `docker import`ed from a busybox rootfs tarball; run --rm true, run -d --memory 64m (MemoryMax
// of docker-<id>.scope and memory.max), the init confined, exec, pause/unpause (the scope's
// cgroup.freeze), update --memory, stop, rm, and no scope left. The same assertions hold for both
// runtimes.
import t, { type Test } from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configToml } from '../e2e/lib/containerd.js';
import { optionsBinaryName } from '../e2e/lib/shim-options.js';
import { layerEntries, ociArch, tar, writeImage } from '../e2e/lib/oci-image.js';
import { BIN, Harness, ID_PREFIX, IS_RUNC } from '../lib/runtime.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { runInVm, systemdVmSkipReason, VM_CACHE } from '../vm/vm.js';

const MiB = 1024 * 1024;
const IMAGE = 'docker.io/rtst/busybox:latest';
const ID = `${ID_PREFIX}eng`;
/** Docker's name of the runtime under test: runc is its built-in runtime, runts is added. */
const DOCKER_RT = IS_RUNC ? 'runc' : 'runts';
const TMPFS = '/var/lib/rtst-engines';
const CTR_DIR = '/run/rtst-containerd';
const DOCKER_SOCK = '/run/rtst-docker.sock';
const ctrUnit = (name: string) => `rtst-ctr-${name}.scope`;

/** The containerd steps: start, import, run --rm, run -d with a memory limit, exec, kill, delete. */
function containerdSteps(share: string): string[] {
  const C = `ctr -a ${CTR_DIR}/containerd.sock -n rtst`;
  const run = `${C} run --runc-binary ${BIN} --runc-systemd-cgroup`;
  const d = `${ID}-d`, scope = `/sys/fs/cgroup/system.slice/${ctrUnit(d)}`;
  return [
    `systemd-run --unit=rtst-containerd containerd --config ${share}/containerd.toml`,
    `for i in $(seq 300); do [ -S ${CTR_DIR}/containerd.sock ] && ${C} version >/dev/null 2>&1 && break; sleep 0.2; done`,
    `step cimport ${C} images import --platform linux/${ociArch()} ${share}/image.tar`,
    `step crm ${run} --rm --cgroup system.slice:rtst-ctr:${ID}-rm ${IMAGE} ${ID}-rm cat /proc/self/cgroup`,
    `step crmgone systemctl show -p LoadState ${ctrUnit(`${ID}-rm`)}`,
    `step crun ${run} -d --memory-limit ${64 * MiB} --cgroup system.slice:rtst-ctr:${d} ${IMAGE} ${d} sleep 1000`,
    `step cinfo ${C} containers info ${d}`,
    `step cshow systemctl show -p ActiveState -p MemoryMax -p Delegate ${ctrUnit(d)}`,
    `step cmem cat ${scope}/memory.max`,
    `step cexec ${C} task exec --exec-id e1 ${d} cat /proc/self/cgroup`,
    `step ckill ${C} task kill -s KILL ${d}`,
    `for i in $(seq 150); do ${C} task ls | grep -q "^${d} .*STOPPED" && break; sleep 0.2; done`,
    `step cstopped sh -c "${C} task ls | grep '^${d} '"`,
    `step ctaskdel ${C} task delete ${d}`,
    `step cdel ${C} container delete ${d}`,
    `step cgone systemctl show -p LoadState ${ctrUnit(d)}`,
    `step cdir sh -c "ls -d ${scope} 2>/dev/null | wc -l"`,
    'step cjournal journalctl -u rtst-containerd --no-pager -n 20',
    'systemctl stop rtst-containerd',
  ];
}

/** The Docker steps: dockerd with the systemd driver, import, and the everyday commands. */
function dockerSteps(share: string): string[] {
  const D = `docker -H unix://${DOCKER_SOCK}`;
  const c = `${ID}-d`;
  const unit = `docker-$(cat ${share}/drun.out).scope`;
  const scope = `/sys/fs/cgroup/system.slice/${unit}`;
  const addRuntime = IS_RUNC ? '' : ` --add-runtime runts=${BIN}`;
  const state = `${D} inspect -f {{.State.Status}} ${c}`;
  return [
    `systemd-run --unit=rtst-dockerd --setenv=PATH=${share}/bin:/usr/sbin:/usr/bin:/sbin:/bin dockerd -H unix://${DOCKER_SOCK} --data-root ${TMPFS}/docker --exec-root /run/rtst-docker`
      + ` --pidfile /run/rtst-docker.pid --exec-opt native.cgroupdriver=systemd${addRuntime}`
      + ' --bridge=none --iptables=false --ip6tables=false --storage-driver overlay2',
    `for i in $(seq 600); do ${D} version >/dev/null 2>&1 && break; sleep 0.5; done`,
    `step dinfo ${D} info --format "{{.CgroupDriver}} {{.CgroupVersion}} {{.Driver}}"`,
    `step dimport ${D} import ${share}/rootfs.tar rtst-busybox:latest`,
    `step drm ${D} run --rm --runtime ${DOCKER_RT} --network none rtst-busybox true`,
    `step drun ${D} run -d --runtime ${DOCKER_RT} --network none --memory 64m --name ${c} rtst-busybox sleep 1000`,
    `step druntime ${D} inspect -f {{.HostConfig.Runtime}} ${c}`,
    `step dinitcg sh -c "cat /proc/$(${D} inspect -f {{.State.Pid}} ${c})/cgroup"`,
    `step dlsm sh -c "cat /proc/$(${D} inspect -f {{.State.Pid}} ${c})/attr/current"`,
    `step dshow sh -c "systemctl show -p ActiveState -p MemoryMax ${unit}"`,
    `step dmem sh -c "cat ${scope}/memory.max"`,
    `step dexec ${D} exec ${c} cat /proc/self/cgroup`,
    `step dpause ${D} pause ${c}`,
    `step dpaused ${state}`,
    `step dfrozen sh -c "cat ${scope}/cgroup.freeze"`,
    `step dunpause ${D} unpause ${c}`,
    `step dunpaused ${state}`,
    `step dthawed sh -c "cat ${scope}/cgroup.freeze"`,
    `step dupdate ${D} update --memory 96m --memory-swap 192m ${c}`,
    `step dshow2 sh -c "systemctl show -p MemoryMax ${unit}"`,
    `step dmem2 sh -c "cat ${scope}/memory.max"`,
    `step dstop ${D} stop -t 1 ${c}`,
    `step dstopped ${state}`,
    `step drm2 ${D} rm ${c}`,
    `step dgone sh -c "systemctl show -p LoadState ${unit}"`,
    `step dleft sh -c "${D} ps -aq | wc -l"`,
    'step djournal journalctl -u rtst-dockerd --no-pager -n 20',
    'systemctl stop rtst-dockerd',
  ];
}

function script(share: string): string {
  return steps(share, [
    'step mode stat -f -c %T /sys/fs/cgroup',
    `mkdir -p ${TMPFS} ${CTR_DIR} && mount -t tmpfs rtst-engines ${TMPFS}`,
    ...containerdSteps(share),
    ...dockerSteps(share),
  ]);
}

/** Writes the share's inputs: containerd's config, the OCI image, Docker's rootfs tarball. */
function writeInputs(share: string): void {
  writeFileSync(join(share, 'containerd.toml'), configToml({
    root: `${TMPFS}/containerd`, state: `${CTR_DIR}/state`, sock: `${CTR_DIR}/containerd.sock`,
    ttrpc: `${CTR_DIR}/containerd.sock.ttrpc`, debug: `${CTR_DIR}/debug.sock`, opt: `${TMPFS}/opt`,
  }));
  writeImage({ ref: IMAGE, entrypoint: [], cmd: ['sh'], env: ['PATH=/bin'], workingDir: '/' }, join(share, 'image.tar'));
  writeFileSync(join(share, 'rootfs.tar'), tar(layerEntries('/bin/busybox', '/')));
  // Docker parses the first line apparmor_parser prints as its version: without a config file
  // that line is the parser's warning about the missing /etc/apparmor/parser.conf.
  mkdirSync(join(share, 'bin'));
  writeFileSync(join(share, 'bin/apparmor_parser'), `#!/bin/sh\nexec ${VM_CACHE}/apparmor/sbin/apparmor_parser --config-file=/dev/null "$@"\n`, { mode: 0o755 });
}

t.test('containerd and Docker with the systemd cgroup driver, in a VM booted with systemd', { skip: systemdVmSkipReason() }, async (t) => {
  const h = new Harness(t);
  writeInputs(h.dir);
  const vm = runInVm(h.dir, script(h.dir), { init: 'systemd', cgroup: 'v2', timeoutMs: 1_800_000 });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  const s = (n: string) => readStep(h.dir, n);
  const text = (n: string) => s(n).out.trim();
  /** Step n exited 0; else its stderr and the daemon's last journal lines (journal: the step). */
  const ok = (tt: Test, n: string, what: string, journal?: string) => tt.equal(s(n).rc, 0,
    s(n).rc === 0 ? what : `${what}: ${s(n).err.trim()}${journal ? `\n${text(journal)}` : ''}`);
  t.equal(text('mode'), 'cgroup2fs', '/sys/fs/cgroup is cgroup v2');

  t.test('containerd: ctr run with SystemdCgroup', async (t) => {
    ok(t, 'cimport', 'ctr images import', 'cjournal');
    ok(t, 'crm', 'ctr run --rm');
    t.equal(text('crm'), `0::/system.slice/${ctrUnit(`${ID}-rm`)}`, 'the container is in its scope in system.slice');
    t.equal(text('crmgone'), 'LoadState=not-found', 'run --rm leaves no unit');
    ok(t, 'crun', 'ctr run -d --memory-limit');
    const info = JSON.parse(s('cinfo').out || '{}') as { Runtime?: { Name?: string; Options?: { value?: string } } };
    t.equal(info.Runtime?.Name, 'io.containerd.runc.v2', 'through the runc v2 shim');
    t.equal(optionsBinaryName(Buffer.from(info.Runtime?.Options?.value ?? '', 'base64')), BIN, `with BinaryName = ${BIN}`);
    const show = text('cshow').split('\n');
    for (const want of ['ActiveState=active', `MemoryMax=${64 * MiB}`, 'Delegate=yes']) t.ok(show.includes(want), `systemctl show: ${want} (${show.join(', ')})`);
    t.equal(text('cmem'), String(64 * MiB), 'the limit in memory.max');
    ok(t, 'cexec', 'ctr task exec');
    t.equal(text('cexec'), `0::/system.slice/${ctrUnit(`${ID}-d`)}`, 'the exec\'d process is in the scope');
    ok(t, 'ckill', 'ctr task kill');
    t.match(text('cstopped'), /STOPPED/, 'the task stopped');
    ok(t, 'ctaskdel', 'ctr task delete');
    ok(t, 'cdel', 'ctr container delete');
    t.equal(text('cgone'), 'LoadState=not-found', 'no unit left');
    t.equal(text('cdir'), '0', 'no cgroup directory left');
  });

  t.test('Docker with native.cgroupdriver=systemd', async (t) => {
    t.equal(text('dinfo'), 'systemd 2 overlay2', `dockerd: systemd driver, cgroup v2, overlay2 ${s('dinfo').err.trim()}`);
    ok(t, 'dimport', 'docker import', 'djournal');
    ok(t, 'drm', `docker run --rm --runtime ${DOCKER_RT} true`);
    ok(t, 'drun', 'docker run -d --memory 64m');
    t.equal(text('druntime'), DOCKER_RT, `the container's runtime is ${DOCKER_RT}`);
    const unit = `docker-${text('drun')}.scope`;
    t.equal(text('dinitcg'), `0::/system.slice/${unit}`, 'the init is in docker-<id>.scope in system.slice');
    t.equal(text('dlsm'), 'docker-default (enforce)', 'the init runs confined by Docker\'s AppArmor profile');
    const show = text('dshow').split('\n');
    for (const want of ['ActiveState=active', `MemoryMax=${64 * MiB}`]) t.ok(show.includes(want), `systemctl show: ${want} (${show.join(', ')})`);
    t.equal(text('dmem'), String(64 * MiB), 'the limit in memory.max');
    ok(t, 'dexec', 'docker exec');
    t.equal(text('dexec'), '0::/', 'exec joins the container\'s cgroup namespace');
    ok(t, 'dpause', 'docker pause');
    t.equal(text('dpaused'), 'paused', 'paused');
    t.equal(text('dfrozen'), '1', 'the scope is frozen');
    ok(t, 'dunpause', 'docker unpause');
    t.equal(text('dunpaused'), 'running', 'running again');
    t.equal(text('dthawed'), '0', 'the scope is thawed');
    ok(t, 'dupdate', 'docker update --memory 96m');
    t.equal(text('dshow2'), `MemoryMax=${96 * MiB}`, 'update sets the unit\'s MemoryMax');
    t.equal(text('dmem2'), String(96 * MiB), 'and memory.max');
    ok(t, 'dstop', 'docker stop');
    t.equal(text('dstopped'), 'exited', 'stopped');
    ok(t, 'drm2', 'docker rm');
    t.equal(text('dgone'), 'LoadState=not-found', 'no unit left');
    t.equal(text('dleft'), '0', 'no container left');
  });
});
