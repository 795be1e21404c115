// The process of `runts exec`: a --process file, or the container's own process with the
// arguments and flags applied as runc applies them. --cap never reaches the inheritable set
// (CVE-2022-29162). A --process file without capabilities, scheduler, ioPriority or
// execCPUAffinity gets the container's, as in runc (never the runtime's own capabilities); an
// env without PATH gets a default one.
import { parseJsonText } from '../spec/json-text.js';
import { readInputFile } from '../spec/read-input.js';
import { checkFlagsProcess, checkGids, checkProcessFile, parseUser } from '../spec/check/exec-process.js';
import type { Process } from '../spec/types.js';
import { RuntsError } from '../errors.js';

export interface ExecProcessOpts {
  processFile?: string; args: string[]; tty: boolean; cwd?: string; env: string[]; user?: string;
  additionalGids: number[]; caps: string[]; noNewPrivs: boolean; apparmor?: string; processLabel?: string;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A --process file (a pipe too), checked (src/spec/check/exec-process.ts). */
function fromFile(path: string): Process {
  const fail = (msg: string) => new RuntsError('runtime', msg);
  return checkProcessFile(parseJsonText(readInputFile(path, path, fail, { pipe: true }), path, fail), path);
}

function fromFlags(base: Process | undefined, o: ExecProcessOpts): Process {
  if (!o.args.length) throw new RuntsError('runtime', 'exec: no command given: pass arguments or --process');
  const p: Process = structuredClone(base ?? { cwd: '/', user: { uid: 0, gid: 0 } });
  p.args = o.args;
  p.terminal = o.tty;
  p.env = [...(p.env ?? []), ...o.env];
  if (o.cwd) p.cwd = o.cwd;
  if (o.user) { const u = parseUser(o.user); p.user = { ...p.user, uid: u.uid, gid: u.gid ?? p.user.gid }; }
  const gids = checkGids(o.additionalGids);
  if (gids.length) p.user.additionalGids = [...(p.user.additionalGids ?? []), ...gids];
  if (o.noNewPrivs) p.noNewPrivileges = true;
  if (o.apparmor) p.apparmorProfile = o.apparmor;
  if (o.processLabel) p.selinuxLabel = o.processLabel;
  if (o.caps.length) {
    const c = (p.capabilities ??= {});
    for (const set of ['bounding', 'effective', 'permitted', 'ambient'] as const) c[set] = [...new Set([...(c[set] ?? []), ...o.caps])];
  }
  return p;
}

export function execProcess(base: Process | undefined, o: ExecProcessOpts): Process {
  const p = o.processFile ? fromFile(o.processFile) : checkFlagsProcess(fromFlags(base, o));
  if (!p.capabilities && base?.capabilities) p.capabilities = structuredClone(base.capabilities);
  // as runc: what the --process file leaves out of these comes from the container's process
  p.scheduler ??= base?.scheduler;
  p.ioPriority ??= base?.ioPriority;
  p.execCPUAffinity ??= base?.execCPUAffinity;
  if (!p.env?.some((e) => e.startsWith('PATH='))) p.env = [...(p.env ?? []), DEFAULT_PATH];
  p.cwd ||= '/';
  return p;
}
