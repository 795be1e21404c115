// Integration test files run by tap inside the systemd test VM (vm.ts, init: 'systemd'): node,
// tap and tsx from the checkout, which the VM sees at its own path. Each run is one file with
// one cgroup driver (CGROUP_DRIVER, read by test/lib/runtime.ts's Harness) and the runtime under
// test on the host (RUNTIME), all in one boot. `vmTapFiles` checks each run as one assertion
// that names the failed assertions of the file inside.
import { spawnSync } from 'node:child_process';
import type { Test } from 'tap';
import { BIN, Harness, IS_RUNC, NAME, REPO } from '../lib/runtime.js';
import { readStep, steps, vmFailure } from './steps.js';
import { runInVm, systemdVmSkipReason, type VmBoot } from './vm.js';

export type Driver = 'cgroupfs' | 'systemd';
export interface Run { file: string; driver: Driver }

/** The files to run: VM_FILES (space-separated paths below the checkout) when set, else `files`. */
function filesToRun(files: string[]): string[] {
  return process.env.VM_FILES ? process.env.VM_FILES.split(/\s+/).filter(Boolean) : files;
}

/** Why the runtime under test cannot take --systemd-cgroup (its `features` says so), or false. */
function systemdDriverSkip(): string | false {
  if (IS_RUNC) return false; // runc 1.1.5 has the driver and no `features`
  const r = spawnSync(BIN, ['features'], { encoding: 'utf8' });
  try {
    if (JSON.parse(r.stdout).linux?.cgroup?.systemd === true) return false;
  } catch { return `${NAME} features: ${r.stderr.trim() || 'no JSON'}`; }
  return `${NAME} has no systemd cgroup driver yet (features: linux.cgroup.systemd is not true)`;
}

const stepName = (r: Run) => `${r.driver}-${r.file.replace(/^.*\//, '').replace(/\.test\.ts$/, '')}`;

function script(share: string, runs: Run[]): string {
  const tap = `${REPO}/node_modules/.bin/tap`;
  return steps(share, [
    `cd ${REPO}`,
    // a .tap of the VM's own (the plugin set's record copied in): the host's tap writes into the
    // checkout's .tap/processinfo (seen through the overlay), and a file appearing there while the
    // VM's tap removed the directory at its end failed it with ENOTEMPTY
    `mkdir -p /run/rtst-tap/plugins && cp -a .tap/plugins/. /run/rtst-tap/plugins/ && mount --bind /run/rtst-tap .tap`,
    ...runs.flatMap((r) => [
      `start=$(date +%s)`,
      `step ${stepName(r)} env CGROUP_DRIVER=${r.driver} RUNTIME=${NAME} node ${tap} --reporter=tap --timeout=1500 ${r.file}`,
      `echo $(( $(date +%s) - start )) >${share}/${stepName(r)}.secs`,
    ]),
  ]);
}

/** What a file's TAP output says: its summary line and every failed assertion. */
function summary(out: string): string {
  const total = out.match(/^# \{ total:.*\}$/m)?.[0] ?? 'no summary';
  const failed = [...out.matchAll(/^\s*not ok \d+ - (.*?)(?: # time=.*)?$/gm)].map((m) => m[1])
    .filter((n) => !/\.test\.ts$/.test(n) && !/ # (SKIP|TODO)\b/.test(n));
  return `${total}${failed.length ? `; failed: ${failed.slice(0, 20).join(' | ')}` : ''}`;
}

/**
 * `files` (or VM_FILES) with the cgroupfs driver and, where the runtime has it, the systemd
 * driver, all in one boot of the systemd VM.
 */
export function vmTapFilesBothDrivers(t: Test, files: string[], boot: VmBoot, timeoutMs: number): void {
  const h = new Harness(t);
  const noSystemd = systemdDriverSkip();
  if (noSystemd) t.pass('the systemd driver runs', { skip: noSystemd });
  const runs = filesToRun(files).flatMap((file): Run[] => [{ file, driver: 'cgroupfs' }, ...(noSystemd ? [] : [{ file, driver: 'systemd' as const }])]);
  vmTapFiles(t, h, runs, boot, timeoutMs);
}

/** Boots the VM once and runs every run in it; one assertion each (exit 0 of tap inside). */
export function vmTapFiles(t: Test, h: Harness, runs: Run[], boot: VmBoot, timeoutMs: number): void {
  const vm = runInVm(h.dir, script(h.dir, runs), { ...boot, init: 'systemd', timeoutMs });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran every file');
  for (const r of runs) {
    const s = readStep(h.dir, stepName(r));
    const secs = readStep(h.dir, stepName(r), 'secs').trim();
    t.equal(s.rc, 0, `${r.file} with the ${r.driver} driver (${secs} s in the VM): ${summary(s.out)}${s.rc ? ` ${s.err.slice(-500)}` : ''}`);
  }
}

/** A boot's time limit: the slowest file measured takes 4.5 min per driver under a loaded TCG. */
const BOOT_TIMEOUT = 30 * 60_000;

/** The test of a *-vm-files file: `files` (or VM_FILES) with both drivers in one boot of the systemd VM. */
export function vmFilesTest(t: Test, title: string, files: string[], boot: VmBoot): void {
  t.setTimeout(BOOT_TIMEOUT + 60_000);
  t.test(title, { skip: systemdVmSkipReason() }, async (t) => {
    vmTapFilesBothDrivers(t, files, boot, BOOT_TIMEOUT);
  });
}
