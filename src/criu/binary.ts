// What runs criu needs beside its RPC (swrk.ts, for checkpoint and restore alike): criu's
// environment, and a failure as one line: criu's last error from its log, and the log's path.
import { readFileSync } from 'node:fs';
import { RuntsError } from '../errors.js';

/** The last error criu wrote to its log (lines "Error (file:line): ..."), if any, but its closing
 * summary ("Dumping FAILED.") and a helper's exit status, which say nothing of the cause; one
 * that names the option that would have let it through ("consider using --tcp-established
 * option") first, as the later ones follow from it ("Dump files (pid: N) failed"). */
export function lastCriuError(log: string): string | undefined {
  let text: string;
  try { text = readFileSync(log, 'utf8'); } catch { return undefined; }
  const errors = text.split('\n').filter((l) => /\bError \(/.test(l))
    .map((l) => l.replace(/^.*?Error \([^)]*\):\s*/, '').trim())
    .filter((l) => !/FAILED\.?$|^exited, status=/.test(l));
  return errors.find((l) => /\b(consider using|you can try) (the )?--/i.test(l)) ?? errors.at(-1);
}

/** criu's whole environment: a PATH with the sbin dirs (for the helpers it runs: ip, iptables). */
export const CRIU_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];

/** The one line a criu failure is: what failed, criu's reason, its log. */
export const criuError = (what: string, why: string, log: string) => new RuntsError('runtime', `${what} failed: criu: ${why} (log: ${log})`);
