// The criu options checkpoint and restore share, from runc's flags: their checks (runc's texts)
// and their RPC options (criu_opts of both requests).
import { RuntsError } from '../errors.js';
import { CLONE_FLAG } from '../linux/constants.js';
import { CG_MODE, type CriuOpts } from './rpc-schema.js';

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

function checkedMode(f: CriuFlags): string | undefined {
  const mode = f.manageCgroupsMode;
  if (mode && !Object.hasOwn(CG_MODE, mode)) throw new RuntsError('runtime', `invalid manage cgroups mode ${JSON.stringify(mode)} (soft, full, strict or ignore)`);
  return mode;
}

/** --empty-ns's namespaces, checked: only "network" (as runc), which is always empty anyway. */
function checkEmptyNs(f: CriuFlags): void {
  for (const ns of f.emptyNs) {
    if (ns !== 'network') throw new RuntsError('runtime', `namespace ${JSON.stringify(ns)} is not supported by --empty-ns (only "network")`);
  }
}

/** The flags as criu_opts fields (checkpoint's and restore's RPC requests). */
export function criuFlagOpts(f: CriuFlags): Partial<CriuOpts> {
  const mode = checkedMode(f);
  checkEmptyNs(f);
  return {
    manageCgroups: true, manageCgroupsMode: mode ? CG_MODE[mode] : undefined, emptyNs: CLONE_FLAG.network,
    tcpEstablished: f.tcpEstablished, extUnixSk: f.extUnixSk, shellJob: f.shellJob, fileLocks: f.fileLocks,
    autoDedup: f.autoDedup, lazyPages: f.lazyPages,
  };
}
