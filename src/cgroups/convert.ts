// Values the OCI spec defines for cgroup v1, converted for cgroup v2 the way runc converts them.
import { RuntsError } from '../errors.js';

/**
 * cpu.shares [2, 262144] (default 1024) -> cpu.weight [1, 10000] (default 100). runc's current
 * formula: a quadratic in log2(shares) through (2, 1), (1024, 100) and (262144, 10000).
 * (runc 1.1 used the line 1 + (shares - 2) * 9999 / 262142, which gave 1024 -> 39.)
 */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  const l = Math.log2(shares);
  return Math.ceil(Math.pow(10, (l * l + 125 * l) / 612 - 7 / 34));
}

/** blkio.weight [10, 1000] -> io.weight [1, 10000], linearly (integer arithmetic as runc). */
export function blkioWeightToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  return 1 + Math.floor(((weight - 10) * 9999) / 990);
}

/**
 * The spec's memory.swap is memory+swap (v1 memsw); cgroup v2's memory.swap.max is swap alone.
 * Returns the memory.swap.max value (-1 is "max", 0 is "leave alone"), or throws for a request
 * that cannot be expressed.
 */
export function swapToV2(swap: number, memory: number): number {
  if (memory === -1 && swap === 0) return -1; // unlimited memory and swap unset: both unlimited, as on v1
  if (swap === -1 || swap === 0) return swap;
  if (memory === -1) return swap;
  if (memory === 0) throw new RuntsError('config', 'unable to set swap limit without memory limit');
  if (memory < 0) throw new RuntsError('config', `invalid memory value: ${memory}`);
  if (swap < memory) throw new RuntsError('config', 'memory+swap limit should be >= memory limit');
  return swap - memory;
}
