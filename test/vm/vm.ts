// A throw-away VM for what this host's kernel cannot show (an LSM it lacks): Debian's kernel
// booted by qemu with an initramfs (test/vm/init.sh) that mounts the host's root read-only over
// 9p; test/vm/guest.sh, PID 1, mounts proc, sys, dev, cgroup2, securityfs and tmpfs where things
// are written, mounts the caller's share directory read-write at its own path, runs SHARE/cmd
// (sh), and powers off. Everything comes from test/vm/setup.sh (run by scripts/setup-host.sh).
// KVM where /dev/kvm is a real one; on a PVM host (kvm_pvm: it cannot run a stock kernel at a
// usable speed) and without /dev/kvm, qemu's own translator (about 5 s to boot).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../lib/runtime.js';

export const VM_CACHE = process.env.RUNTS_VM_CACHE ?? '/var/cache/runts-test/vm';
const QEMU = '/usr/bin/qemu-system-x86_64';
const GUEST = join(REPO, 'test/vm/guest.sh');

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

/** The accelerator: KVM where it can boot a stock kernel, else qemu's translator. */
function accel(): string[] {
  if (existsSync('/dev/kvm') && !existsSync('/sys/module/kvm_pvm')) return ['-accel', 'kvm', '-cpu', 'host'];
  return ['-accel', 'tcg,thread=multi', '-cpu', 'max'];
}

function readOr(path: string, fallback: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return fallback; }
}

/**
 * Boots the VM, runs `script` (sh) from the share dir `share` (a directory of this host, seen at
 * the same path inside), waits for the power-off. `append` adds kernel arguments (e.g. the LSM).
 */
export function runInVm(share: string, script: string, o: { append?: string[]; timeoutMs?: number } = {}): VmResult {
  for (const f of ['stdout', 'stderr', 'status']) rmSync(join(share, f), { force: true });
  writeFileSync(join(share, 'cmd'), script);
  const r = spawnSync(QEMU, [
    ...accel(), '-m', '1024', '-smp', '1', '-nographic', '-nodefaults', '-no-reboot', '-serial', 'stdio',
    '-kernel', kernelImage()!, '-initrd', join(VM_CACHE, 'initramfs.img'),
    '-append', ['console=ttyS0', 'quiet', 'panic=-1', `runts_guest=${GUEST}`, `runts_share=${share}`, `runts_repo=${REPO}`, ...(o.append ?? [])].join(' '),
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${share},mount_tag=share,security_model=passthrough,multidevs=remap`,
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: o.timeoutMs ?? 180_000, killSignal: 'SIGKILL' });
  const status = readOr(join(share, 'status'), '').trim();
  return {
    status: status === '' ? null : Number(status),
    stdout: readOr(join(share, 'stdout'), ''), stderr: readOr(join(share, 'stderr'), ''),
    console: (r.stdout ?? '') + (r.stderr ?? '') + (r.error ? String(r.error) : ''),
  };
}
