// The criu options checkpoint and restore share, from runc's flags: their checks (runc's texts)
// and their criu arguments (checkpoint's command line) or RPC options (restore's criu_opts).
import { RuntsError } from '../errors.js';
import { CG_MODE, type CriuOpts } from './rpc-schema.js';

export interface CriuFlags {
  tcpEstablished: boolean; extUnixSk: boolean; shellJob: boolean; fileLocks: boolean;
  autoDedup: boolean; lazyPages: boolean;
  /** --manage-cgroups-mode: soft (criu's default), full, strict or ignore */
  manageCgroupsMode?: string;
  /** --empty-ns: namespaces created empty on restore ("network") */
  emptyNs: string[];
}

const CLONE_NEWNET = 0x40000000;

function checkedMode(f: CriuFlags): string | undefined {
  const mode = f.manageCgroupsMode;
  if (mode && !Object.hasOwn(CG_MODE, mode)) throw new RuntsError('runtime', `invalid manage cgroups mode ${JSON.stringify(mode)} (soft, full, strict or ignore)`);
  return mode;
}

/** --empty-ns's namespaces, checked: only "network" (as runc). */
function checkedEmptyNs(f: CriuFlags): string[] {
  for (const ns of f.emptyNs) {
    if (ns !== 'network') throw new RuntsError('runtime', `namespace ${JSON.stringify(ns)} is not supported by --empty-ns (only "network")`);
  }
  return f.emptyNs;
}

export function criuFlagArgs(f: CriuFlags): string[] {
  const mode = checkedMode(f);
  const args = [mode ? `--manage-cgroups=${mode}` : '--manage-cgroups'];
  checkedEmptyNs(f).forEach(() => args.push('--empty-ns', 'net'));
  const bool: [boolean, string][] = [[f.tcpEstablished, '--tcp-established'], [f.extUnixSk, '--ext-unix-sk'],
    [f.shellJob, '--shell-job'], [f.fileLocks, '--file-locks'], [f.autoDedup, '--auto-dedup'], [f.lazyPages, '--lazy-pages']];
  return [...args, ...bool.filter(([on]) => on).map(([, a]) => a)];
}

/** The same flags as criu_opts fields (restore's RPC request). */
export function criuFlagOpts(f: CriuFlags): Partial<CriuOpts> {
  const mode = checkedMode(f);
  return {
    manageCgroups: true, manageCgroupsMode: mode ? CG_MODE[mode] : undefined,
    emptyNs: checkedEmptyNs(f).length ? CLONE_NEWNET : undefined,
    tcpEstablished: f.tcpEstablished, extUnixSk: f.extUnixSk, shellJob: f.shellJob, fileLocks: f.fileLocks,
    autoDedup: f.autoDedup, lazyPages: f.lazyPages,
  };
}
