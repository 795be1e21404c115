// What the bad-input and hook tests check after a failure: the error is one clear line with exit
// status 1, and the container left nothing behind (state dir, mount, cgroup, process).
import type { Test } from 'tap';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { cgroupDirs, findProcesses, mountsUnder } from './host.js';
import { IS_RUNC, type Harness, type Result } from './runtime.js';

/** The error message of a failed call: runts' "runts: MSG", runc's last `level=error msg="runc CMD failed: MSG"`. */
export function errorText(r: Result): string {
  const lines = r.stderr.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (!IS_RUNC) return last.replace(/^runts: /, '');
  const m = /level=error msg=("(?:[^"\\]|\\.)*")/.exec(last);
  if (!m) return last;
  let msg: string;
  try { msg = JSON.parse(m[1]) as string; } catch { msg = m[1].slice(1, -1); } // Go's %q: \x00 is not JSON
  return msg.trim().replace(/^runc \w+ failed: /, '');
}

/**
 * Exit status 1 and exactly one line on stderr (runts: starting "runts: "); returns the message.
 * runc's warnings are not counted: its systemd driver warns of a default device rule whose node
 * the host lacks (/dev/net/tun without the tun module), as in the systemd test VM.
 */
export function oneError(t: Test, r: Result, what: string): string {
  t.equal(r.status, 1, `${what}: exit status 1 (${r.stderr.trim()})`);
  const lines = r.stderr.trim().split('\n').filter((l) => !(IS_RUNC && /^time="[^"]*" level=warning /.test(l)));
  t.equal(lines.length, 1, `${what}: one line on stderr: ${JSON.stringify(r.stderr)}`);
  if (!IS_RUNC) t.match(lines[0], /^runts: \S/, `${what}: the line starts with "runts: "`);
  return errorText(r);
}

function link(pid: number, what: 'root' | 'cwd'): string {
  try { return readlinkSync(`/proc/${pid}/${what}`); } catch { return ''; }
}

/** Live processes that belong to this harness: argv naming its dir or holding `marker`, or root/cwd in its dir. */
export function processesOf(h: Harness, marker: string): string[] {
  const inDir = (p: string) => p === h.dir || p.startsWith(h.dir + '/');
  return findProcesses((argv) => argv.some((a) => a === marker || a.includes(h.dir)))
    .concat(findProcesses(() => true).filter((p) => inDir(link(p.pid, 'root')) || inDir(link(p.pid, 'cwd'))))
    .map((p) => `${p.pid} ${p.argv.join(' ')}`);
}

/** No container `id`, no state dir at all in the harness root, no mount, cgroup or process left. */
export function nothingLeft(t: Test, h: Harness, id: string): void {
  t.equal(h.state(id), undefined, `${id}: the runtime does not know it`);
  t.same(existsSync(h.root) ? readdirSync(h.root) : [], [], 'no state dir in the root');
  t.same(mountsUnder(h.dir), [], 'no mount under the temp dir');
  const usable = /^[\w+\-.]+$/.test(id) && id !== '.' && id !== '..'; // an invalid id names no cgroup
  t.same(usable ? cgroupDirs(id) : [], [], 'no cgroup named after the id');
  t.same([...new Set(processesOf(h, usable ? id : h.dir))], [], 'no process of the container or the runtime');
}
