// The runtime under test (RUNTIME=runts, the default, or runc, or a path) and a wrapper
// script around it that records every call containerd's shim makes: argv, exit status,
// duration, and copies of the config.json (create) and process.json (exec) it was given.
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { run, shq } from '../../lib/host.js';

export const REPO = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../..');

export interface Runtime { name: string; path: string; isRunc: boolean }

function which(cmd: string): string | undefined {
  for (const d of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = join(d, cmd);
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return undefined;
}

/** RUNTIME=runts (default: <repo>/bin/runts), runc (from PATH), or an absolute path. */
export function resolveRuntime(env = process.env.RUNTIME): Runtime {
  const want = env && env.trim() !== '' ? env.trim() : 'runts';
  let path: string | undefined;
  if (isAbsolute(want)) path = want;
  else if (want === 'runts') path = join(REPO, 'bin/runts');
  else path = which(want) ?? (existsSync(want) ? resolve(want) : undefined);
  if (!path) throw new Error(`RUNTIME=${want}: not found in PATH`);
  const name = basename(path);
  return { name, path, isRunc: name === 'runc' };
}

/** Checks that the runtime starts at all (`--version`); returns an error text or undefined. */
export function runtimeProblem(rt: Runtime): string | undefined {
  try { accessSync(rt.path, constants.X_OK); } catch { return `${rt.path} is not executable`; }
  const r = run([rt.path, '--version'], { seconds: 30 });
  if (r.status !== 0) {
    const hint = rt.name === 'runts' ? ' (was `make build` run?)' : '';
    return `${rt.path} --version failed${hint}: ${(r.stderr || r.stdout).trim().slice(0, 400)}`;
  }
  return undefined;
}

export interface RuntimeCall { startNs: bigint; ms: number; status: number; argv: string[]; command: string }

/**
 * Writes dir/runtime (a sh wrapper) that logs to dir/runtime-argv.log and copies specs to
 * dir/specs/. It does not exec the runtime, so that it can record the exit status: the
 * shim only sees one more short-lived parent, with the same stdio, fds and exit code.
 */
export function writeWrapper(dir: string, rt: Runtime): { wrapper: string; log: string; specs: string } {
  const wrapper = join(dir, 'runtime'), log = join(dir, 'runtime-argv.log'), specs = join(dir, 'specs');
  mkdirSync(specs, { recursive: true });
  writeFileSync(log, '');
  const script = `#!/bin/sh
# Written by runts test/e2e: records each call of the runtime under test, then makes it.
start=$(date +%s%N)
prev=
for a in "$@"; do
  case "$prev" in
    --bundle) [ -f "$a/config.json" ] && cp "$a/config.json" ${shq(specs)}/"create-$start.json" ;;
    --process) [ -f "$a" ] && cp "$a" ${shq(specs)}/"exec-$start.json" ;;
  esac
  prev=$a
done
${shq(rt.path)} "$@"
rc=$?
end=$(date +%s%N)
line="$start	$end	$rc"
for a in "$@"; do line="$line	$a"; done
printf '%s\\n' "$line" >> ${shq(log)}
exit $rc
`;
  writeFileSync(wrapper, script);
  chmodSync(wrapper, 0o755);
  return { wrapper, log, specs };
}

/** Parses the wrapper's log. */
export function readCalls(log: string): RuntimeCall[] {
  let text: string;
  try { text = readFileSync(log, 'utf8'); } catch { return []; }
  return text.split('\n').filter(Boolean).map((line) => {
    const [s, e, rc, ...argv] = line.split('\t');
    const startNs = BigInt(s), endNs = BigInt(e);
    return { startNs, ms: Number(endNs - startNs) / 1e6, status: Number(rc), argv, command: subcommand(argv) };
  });
}

/** Global flags that take a value, so that the subcommand can be found after them. */
const GLOBAL_WITH_VALUE = new Set(['--root', '--log', '--log-format', '--criu', '--rootless']);

export function subcommand(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (GLOBAL_WITH_VALUE.has(a)) { i++; continue; }
    if (a.startsWith('-')) continue;
    return a;
  }
  return '';
}

/** Turns a call into a shape with the temp dir, namespace, ids and random names replaced. */
export function normalize(argv: string[], o: { dir: string; ns: string; ids: string[] }): string {
  const ids = [...o.ids].sort((a, b) => b.length - a.length);
  return argv.map((a) => {
    let s = a.split(o.dir).join('$TMP').split(o.ns).join('$NS');
    for (const id of ids) {
      s = s.replace(new RegExp(`(^|/)${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|/|\\.pid$)`, 'g'), '$1$ID');
      if (s === id) s = '$ID';
    }
    return s.replace(/runc-process\d+/, 'runc-process$N').replace(/\/tmp\/pty\d+\//, '/tmp/pty$N/').replace(/\/[\w-]+\.pid$/, (m) => (m === '/init.pid' ? m : '/$EXEC_ID.pid'));
  }).join(' ');
}

export function specFiles(specsDir: string): string[] {
  try { return readdirSync(specsDir).sort().map((f) => join(specsDir, f)); } catch { return []; }
}
