// What may be mounted on or inside the container's /proc (CVE-2019-16884, CVE-2023-27561):
// /proc itself only takes a procfs (a new one, or a bind of a procfs); below /proc only the
// files lxcfs and similar tools emulate may be covered.
import { FS_MAGIC, statfs } from '../../linux/fs.js';
import { RuntsError } from '../../errors.js';

/** Paths below /proc that a mount may cover (relative to the container root). */
const ALLOWED_IN_PROC = new Set([
  'proc/cpuinfo', 'proc/diskstats', 'proc/meminfo', 'proc/stat', 'proc/swaps', 'proc/uptime',
  'proc/loadavg', 'proc/slabinfo', 'proc/sys/kernel/ns_last_pid', 'proc/sys/crypto/fips_enabled',
]);

export interface ProcCheckMount { type: string; isBind: boolean; source: string }

/**
 * Throws unless a mount described by m may land on `rel` (the resolved destination, relative to
 * the container root, no symlinks).
 */
export function checkProcMount(rel: string, m: ProcCheckMount): void {
  if (rel !== 'proc' && !rel.startsWith('proc/')) return;
  if (rel === 'proc') {
    if (m.isBind ? statfs(m.source).type === FS_MAGIC.PROC : m.type === 'proc') return;
    throw new RuntsError('runtime', '"/proc" cannot be mounted because it is not of type proc');
  }
  if (ALLOWED_IN_PROC.has(rel)) return;
  throw new RuntsError('runtime', `"/${rel}" cannot be mounted because it is inside /proc`);
}
