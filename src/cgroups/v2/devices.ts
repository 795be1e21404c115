// v2 devices: the rules as an eBPF program attached to the cgroup directory. A program of ours
// already attached is replaced atomically (BPF_F_REPLACE); without that flag (Linux < 5.6), or
// with several of ours attached, the new one is attached first and the old ones detached after,
// so there is never a moment without a filter. Programs of others are left alone.
import { closeSync, constants, openSync } from 'node:fs';
import {
  BPF_F_ALLOW_MULTI, BPF_F_REPLACE, attachDeviceProgram, detachDeviceProgram, loadDeviceProgram, programFdById, programName,
  queryDevicePrograms,
} from '../../linux/bpf.js';
import { DeviceEmulator } from '../devices/emulator.js';
import { deviceFilterInsns, encodeInsns } from '../devices/ebpf.js';
import type { DevRule } from '../devices/rule.js';
import { causeText, cgroupError } from '../errors.js';
import { errnoOf } from '../../linux/errors.js';
import { isKind } from '../../errors.js';

export const PROGRAM_NAME = 'runts_devices';

/** fds of the programs named ours that are attached to the cgroup. */
function ourPrograms(cgroupFd: number): number[] {
  const fds: number[] = [];
  for (const id of queryDevicePrograms(cgroupFd)) {
    let fd: number;
    try { fd = programFdById(id); } catch { continue; } // detached meanwhile, or not ours to see
    if (programName(fd) === PROGRAM_NAME) fds.push(fd); else closeSync(fd);
  }
  return fds;
}

function attach(cgroupFd: number, progFd: number, old: number[]): void {
  if (old.length === 1) {
    try { attachDeviceProgram(cgroupFd, progFd, BPF_F_ALLOW_MULTI | BPF_F_REPLACE, old[0]); return; } catch (e) {
      if (errnoOf(e) !== 22) throw e; // EINVAL: no BPF_F_REPLACE here
    }
  }
  attachDeviceProgram(cgroupFd, progFd, BPF_F_ALLOW_MULTI);
  for (const fd of old) detachDeviceProgram(cgroupFd, fd);
}

export function setDevicesV2(dir: string, rules: DevRule[]): void {
  const insns = encodeInsns(deviceFilterInsns(DeviceEmulator.fromRules(rules)));
  const fds: number[] = [];
  try {
    const cgroupFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fds.push(cgroupFd);
    const progFd = loadDeviceProgram({ insns, license: 'Apache', name: PROGRAM_NAME });
    fds.push(progFd);
    const old = ourPrograms(cgroupFd);
    fds.push(...old);
    attach(cgroupFd, progFd, old);
  } catch (e) {
    if (isKind(e, 'cgroup')) throw e;
    const why = isKind(e, 'sys') ? e.message : causeText(e);
    throw cgroupError(`set linux.resources.devices (eBPF device filter) in ${dir}: ${why}`, { code: (e as NodeJS.ErrnoException).code });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}
