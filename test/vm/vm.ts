// A throw-away VM for what this host's kernel cannot show (an LSM it lacks): Debian's kernel
// booted by qemu with an initramfs (test/vm/init.sh) that mounts the host's root read-only over
// 9p; test/vm/guest.sh, PID 1, mounts proc, sys, dev, cgroup2, securityfs and tmpfs where things
// are written, mounts the caller's share directory read-write at its own path, runs SHARE/cmd
// (sh), and powers off. Everything comes from test/vm/setup.sh (run by scripts/setup-host.sh).
// KVM where /dev/kvm is a real one; on a PVM host (kvm_pvm: it cannot run a stock kernel at a
// usable speed) and without /dev/kvm, qemu's own translator (about 5 s to boot).
// With `init: 'systemd'` the VM boots Debian's systemd as PID 1 instead (test/vm/systemd-root.sh),
// on a pure cgroup v2 hierarchy or on systemd's hybrid layout (`cgroup`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../lib/runtime.js';

export const VM_CACHE = process.env.RUNTS_VM_CACHE ?? '/var/cache/runts-test/vm';
const QEMU = '/usr/bin/qemu-system-x86_64';
const GUEST = join(REPO, 'test/vm/guest.sh');
const SYSTEMD_GUEST = join(REPO, 'test/vm/systemd-root.sh');
const SYSTEMD_ROOT = join(VM_CACHE, 'systemd-root');

/** How the VM boots: busybox's sh as PID 1 (guest.sh, cgroup2 only), or systemd on either layout. */
export interface VmBoot { init?: 'sh' | 'systemd'; cgroup?: 'v2' | 'hybrid' }

export interface VmResult { status: number | null; stdout: string; stderr: string; console: string }

function kernelImage(): string | undefined {
  const boot = join(VM_CACHE, 'kernel/boot');
  const name = existsSync(boot) ? readdirSync(boot).find((f) => f.startsWith('vmlinuz-')) : undefined;
  return name && join(boot, name);
}

/** Why the VM cannot run here, or false. */
export function vmSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'the test VM needs root';
  if (!existsSync(QEMU)) return `no ${QEMU} (qemu-system-x86, installed by test/vm/setup.sh)`;
  if (!kernelImage()) return `no kernel in ${VM_CACHE}/kernel (test/vm/setup.sh could not fetch it)`;
  if (!existsSync(join(VM_CACHE, 'initramfs.img'))) return `no ${VM_CACHE}/initramfs.img (test/vm/setup.sh)`;
  return false;
}

/** Why the systemd boot cannot run here (vmSkipReason's, or what the unpacked systemd lacks), or false. */
export function systemdVmSkipReason(): string | false {
  const vm = vmSkipReason();
  if (vm) return vm;
  if (!existsSync(join(SYSTEMD_ROOT, '.made'))) return `no ${SYSTEMD_ROOT} (test/vm/setup.sh could not unpack systemd)`;
  const missing = readOr(`${SYSTEMD_ROOT}.missing`, '').trim();
  return missing ? `the unpacked systemd cannot run: ${missing.replace(/\n/g, ', ')}` : false;
}

/** The accelerator: KVM where it can boot a stock kernel, else qemu's translator. */
function accel(): string[] {
  if (existsSync('/dev/kvm') && !existsSync('/sys/module/kvm_pvm')) return ['-accel', 'kvm', '-cpu', 'host'];
  return ['-accel', 'tcg,thread=multi', '-cpu', 'max'];
}

function readOr(path: string, fallback: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return fallback; }
}

/** The kernel arguments of a boot. */
function bootArgs(share: string, b: VmBoot): string[] {
  const args = ['console=ttyS0', 'quiet', 'panic=-1', `runts_share=${share}`, `runts_repo=${REPO}`];
  if (b.init !== 'systemd') return [...args, `runts_guest=${GUEST}`];
  const layout = b.cgroup === 'hybrid' ? ['systemd.unified_cgroup_hierarchy=0'] : ['systemd.unified_cgroup_hierarchy=1', 'cgroup_no_v1=all'];
  return [...args, 'runts_init=systemd', `runts_guest=${SYSTEMD_GUEST}`, ...layout];
}

/**
 * Boots the VM, runs `script` (sh) from the share dir `share` (a directory of this host, seen at
 * the same path inside), waits for the power-off. `append` adds kernel arguments (e.g. the LSM);
 * `init` and `cgroup` choose the boot (VmBoot).
 */
export function runInVm(share: string, script: string, o: VmBoot & { append?: string[]; timeoutMs?: number } = {}): VmResult {
  for (const f of ['stdout', 'stderr', 'status']) rmSync(join(share, f), { force: true });
  writeFileSync(join(share, 'cmd'), script);
  const r = spawnSync(QEMU, [
    ...accel(), '-m', o.init === 'systemd' ? '2048' : '1024', '-smp', '1', '-nographic', '-nodefaults', '-no-reboot', '-serial', 'stdio',
    '-kernel', kernelImage()!, '-initrd', join(VM_CACHE, 'initramfs.img'),
    '-append', [...bootArgs(share, o), ...(o.append ?? [])].join(' '),
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${share},mount_tag=share,security_model=passthrough,multidevs=remap`,
    ...(o.init === 'systemd' ? ['-virtfs', `local,path=${SYSTEMD_ROOT},mount_tag=systemd,security_model=passthrough,readonly=on,multidevs=remap`] : []),
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: o.timeoutMs ?? 180_000, killSignal: 'SIGKILL' });
  const status = readOr(join(share, 'status'), '').trim();
  return {
    status: status === '' ? null : Number(status),
    stdout: readOr(join(share, 'stdout'), ''), stderr: readOr(join(share, 'stderr'), ''),
    console: (r.stdout ?? '') + (r.stderr ?? '') + (r.error ? String(r.error) : ''),
  };
}
