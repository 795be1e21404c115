// The criu options checkpoint and restore share, from runc's flags: their checks (runc's texts)
// and their criu arguments.
import { RuntsError } from '../errors.js';

export interface CriuFlags {
  tcpEstablished: boolean; extUnixSk: boolean; shellJob: boolean; fileLocks: boolean;
  autoDedup: boolean; lazyPages: boolean;
  /** --manage-cgroups-mode: soft (criu's default), full, strict or ignore */
  manageCgroupsMode?: string;
  /**
   * --empty-ns: namespaces criu neither dumps nor restores the contents of ("network"). The
   * network namespace always is, as with runc ("runc doesn't manage network devices"): its
   * interfaces are its owner's to set up again, and a link criu cannot dump (a veth whose
   * peer is outside) fails no checkpoint.
   */
  emptyNs: string[];
}

const CG_MODES = ['soft', 'full', 'strict', 'ignore'];

export function criuFlagArgs(f: CriuFlags): string[] {
  const mode = f.manageCgroupsMode;
  if (mode && !CG_MODES.includes(mode)) throw new RuntsError('runtime', `invalid manage cgroups mode ${JSON.stringify(mode)} (soft, full, strict or ignore)`);
  for (const ns of f.emptyNs) {
    if (ns !== 'network') throw new RuntsError('runtime', `namespace ${JSON.stringify(ns)} is not supported by --empty-ns (only "network")`);
  }
  const args = [mode ? `--manage-cgroups=${mode}` : '--manage-cgroups', '--empty-ns', 'net'];
  const bool: [boolean, string][] = [[f.tcpEstablished, '--tcp-established'], [f.extUnixSk, '--ext-unix-sk'],
    [f.shellJob, '--shell-job'], [f.fileLocks, '--file-locks'], [f.autoDedup, '--auto-dedup'], [f.lazyPages, '--lazy-pages']];
  return [...args, ...bool.filter(([on]) => on).map(([, a]) => a)];
}
