// bpf(2) for the cgroup v2 device filter: load a BPF_PROG_TYPE_CGROUP_DEVICE program, attach it
// to a cgroup directory fd (BPF_F_ALLOW_MULTI, optionally BPF_F_REPLACE), detach, and list the
// programs attached to a cgroup with their names. union bpf_attr is built by hand in a Buffer.
import { check, koffi, libc } from './libc.js';
import { sysError } from './errors.js';

const SYS_bpf = process.arch === 'arm64' ? 280 : 321;
const BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9, BPF_PROG_GET_FD_BY_ID = 13;
const BPF_OBJ_GET_INFO_BY_FD = 15, BPF_PROG_QUERY = 16;
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_CGROUP_DEVICE = 6;
export const BPF_F_ALLOW_MULTI = 2, BPF_F_REPLACE = 4;

const sys = libc.func('long syscall(long, int, void *, unsigned int)');

function address(buf: Buffer): bigint {
  return koffi.address(buf);
}

function bpf(cmd: number, attr: Buffer): number {
  return Number(sys(SYS_bpf, cmd, attr, attr.length));
}

function cstr(s: string): Buffer {
  return Buffer.from(s + '\0', 'latin1');
}

export interface LoadOptions { insns: Buffer; license: string; name: string }

function loadAttr(o: LoadOptions, license: Buffer, log?: Buffer): Buffer {
  const a = Buffer.alloc(128);
  a.writeUInt32LE(BPF_PROG_TYPE_CGROUP_DEVICE, 0);
  a.writeUInt32LE(o.insns.length / 8, 4);
  a.writeBigUInt64LE(address(o.insns), 8);
  a.writeBigUInt64LE(address(license), 16);
  if (log) {
    a.writeUInt32LE(1, 24);
    a.writeUInt32LE(log.length, 28);
    a.writeBigUInt64LE(address(log), 32);
  }
  a.write(o.name.slice(0, 15), 48, 'latin1');
  a.writeUInt32LE(BPF_CGROUP_DEVICE, 68);
  return a;
}

/** Loads a cgroup device program; returns its fd. A verifier rejection carries the log's end. */
export function loadDeviceProgram(o: LoadOptions): number {
  const license = cstr(o.license);
  const fd = bpf(BPF_PROG_LOAD, loadAttr(o, license));
  if (fd >= 0) return fd;
  const errno = koffi.errno();
  if (errno !== 22 && errno !== 13) throw sysError('bpf BPF_PROG_LOAD', errno);
  const log = Buffer.alloc(1 << 16);
  const again = bpf(BPF_PROG_LOAD, loadAttr(o, license, log));
  if (again >= 0) return again;
  const text = log.toString('latin1', 0, Math.max(0, log.indexOf(0))).trim().split('\n').slice(-3).join('; ');
  throw sysError('bpf BPF_PROG_LOAD', koffi.errno(), undefined, text ? ` (verifier: ${text})` : '');
}

function attachAttr(target: number, prog: number, flags: number, replace = 0): Buffer {
  const a = Buffer.alloc(32);
  a.writeUInt32LE(target, 0);
  a.writeUInt32LE(prog, 4);
  a.writeUInt32LE(BPF_CGROUP_DEVICE, 8);
  a.writeUInt32LE(flags, 12);
  a.writeUInt32LE(replace, 16);
  return a;
}

export function attachDeviceProgram(cgroupFd: number, progFd: number, flags: number, replaceFd = 0): void {
  check(bpf(BPF_PROG_ATTACH, attachAttr(cgroupFd, progFd, flags, replaceFd)), 'bpf BPF_PROG_ATTACH');
}

export function detachDeviceProgram(cgroupFd: number, progFd: number): void {
  check(bpf(BPF_PROG_DETACH, attachAttr(cgroupFd, progFd, 0)), 'bpf BPF_PROG_DETACH');
}

/** Ids of the device programs attached to the cgroup itself. */
export function queryDevicePrograms(cgroupFd: number): number[] {
  for (let cap = 64; ; cap *= 4) {
    const ids = Buffer.alloc(cap * 4);
    const a = Buffer.alloc(64);
    a.writeUInt32LE(cgroupFd, 0);
    a.writeUInt32LE(BPF_CGROUP_DEVICE, 4);
    a.writeBigUInt64LE(address(ids), 16);
    a.writeUInt32LE(cap, 24);
    const ret = bpf(BPF_PROG_QUERY, a);
    const n = a.readUInt32LE(24);
    if (ret < 0 && koffi.errno() === 28 && cap < 4096) continue; // ENOSPC: more than cap
    check(ret, 'bpf BPF_PROG_QUERY');
    return Array.from({ length: n }, (_, i) => ids.readUInt32LE(i * 4));
  }
}

export function programFdById(id: number): number {
  const a = Buffer.alloc(16);
  a.writeUInt32LE(id, 0);
  return check(bpf(BPF_PROG_GET_FD_BY_ID, a), 'bpf BPF_PROG_GET_FD_BY_ID', String(id));
}

/** The name a program was loaded with (bpf_prog_info.name). */
export function programName(progFd: number): string {
  const info = Buffer.alloc(88);
  const a = Buffer.alloc(16);
  a.writeUInt32LE(progFd, 0);
  a.writeUInt32LE(info.length, 4);
  a.writeBigUInt64LE(address(info), 8);
  check(bpf(BPF_OBJ_GET_INFO_BY_FD, a), 'bpf BPF_OBJ_GET_INFO_BY_FD');
  const name = info.subarray(64, 80);
  return name.toString('latin1', 0, name.indexOf(0) < 0 ? 16 : name.indexOf(0));
}
