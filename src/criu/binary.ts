// Debian's criu, run through its command line (checkpoint; restore talks to it through its RPC,
// swrk.ts): started with posix_spawn with exactly the fds it is told about, waited for on a
// worker thread. A failure is one line: criu's last error from its log, and the log's path.
import { readFileSync } from 'node:fs';
import { spawnWithFds } from '../linux/spawn.js';
import { exitCode, waitChild } from '../linux/process.js';
import { RuntsError } from '../errors.js';

/** The last error criu wrote to its log (lines "Error (file:line): ..."), if any, but its closing
 * summary ("Dumping FAILED.") and a helper's exit status, which say nothing of the cause. */
export function lastCriuError(log: string): string | undefined {
  let text: string;
  try { text = readFileSync(log, 'utf8'); } catch { return undefined; }
  const errors = text.split('\n').filter((l) => /\bError \(/.test(l))
    .map((l) => l.replace(/^.*?Error \([^)]*\):\s*/, '').trim())
    .filter((l) => !/FAILED\.?$|^exited, status=/.test(l));
  return errors.at(-1);
}

/** criu's whole environment: a PATH with the sbin dirs (for the helpers it runs: ip, iptables). */
export const CRIU_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];

/** The one line a criu failure is: what failed, criu's reason, its log. */
export const criuError = (what: string, why: string, log: string) => new RuntsError('runtime', `${what} failed: criu: ${why} (log: ${log})`);

/** Runs criu with args; fds[i] becomes its fd i (0-2: runts' own stdio). Throws criu's error. */
export async function runCriu(bin: string, args: string[], fds: number[], log: string, what: string): Promise<void> {
  const pid = spawnWithFds(bin, ['criu', ...args], fds, CRIU_ENV);
  const status = exitCode(await waitChild(pid));
  if (status === 0) return;
  const why = lastCriuError(log) ?? `criu exited with status ${status}`;
  throw criuError(what, why, log);
}
