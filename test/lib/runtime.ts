// The integration tests' view of a runtime: RUNTIME=runts (the default: ./bin/runts) or
// RUNTIME=runc (Debian's runc, to prove a test right). Each test file gets its own --root and
// temp dir, bundles built from test/prog/build/multitool, unique container ids with the
// prefix ID_PREFIX, and a teardown that force-deletes every container and checks that no
// state dir, mount or process is left. CGROUP_DRIVER=systemd runs every call with the global
// --systemd-cgroup and writes an absolute cgroupsPath in systemd's slice:prefix:name form (the
// systemd test VM, test/integration/systemd-vm-files.test.ts, runs the integration files so).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { defaultSpec } from '../../src/spec/default-spec.js';
import type { Spec } from '../../src/spec/types.js';
import { cgroupRoots, mountsUnder, removeCgroups, sleepMs, waitFor } from './host.js';

export const REPO = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
export const MULTITOOL = join(REPO, 'test/prog/build/multitool');
export const NAME = process.env.RUNTIME && process.env.RUNTIME !== '' ? process.env.RUNTIME : 'runts';
export const BIN = NAME === 'runts' ? join(REPO, 'bin/runts') : NAME;
export const IS_RUNC = basename(BIN) === 'runc';
/** CGROUP_DRIVER=systemd: the runtime's systemd cgroup driver (--systemd-cgroup), else cgroupfs. */
export const SYSTEMD_CGROUP = process.env.CGROUP_DRIVER === 'systemd';
/** The reason a test about cgroupfs paths does not apply under the systemd driver, or false. */
export const skipUnderSystemd = SYSTEMD_CGROUP ? 'the cgroupfs driver\'s paths (CGROUP_DRIVER=systemd: the cgroup is a systemd scope)' : false;
/** Every container id, temp dir and cgroup of the suite starts with this (the leftover check looks for it). */
export const ID_PREFIX = 'rtst-';
export const TMP_PREFIX = '/tmp/runts-test-';

/** The environment for runtime calls: without what tap and tsx put in NODE_OPTIONS for the test itself. */
export const RT_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env)
  .filter(([k]) => !k.startsWith('NODE_') && !k.startsWith('TAP') && !k.startsWith('_TAPJS')));

/** `env -i K=V... argv`: tap's processinfo adds its NODE_OPTIONS and _TAPJS_* variables to
 * every spawn of the test process (whatever env is given); env(1) drops them again, so the
 * runtime, and the hooks it runs, get exactly `env`. */
export function withEnv(env: NodeJS.ProcessEnv, argv: string[]): [string, string[]] {
  return ['/usr/bin/env', ['-i', ...Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`), ...argv]];
}

export const isRoot = process.getuid?.() === 0;
export const skipUnlessRoot = isRoot ? false : 'integration tests run containers and need root';

export interface Result { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface Bundle { dir: string; rootfs: string; spec: Spec; write(spec?: Spec): void }

interface Tap { teardown(fn: () => void | Promise<void>): void }

let counter = 0;

/** The runtime's global options: --root, and --systemd-cgroup under CGROUP_DRIVER=systemd. */
export function globalArgs(root: string): string[] {
  return ['--root', root, ...(SYSTEMD_CGROUP ? ['--systemd-cgroup'] : [])];
}

/** The scope prefix of the systemd driver when cgroupsPath is empty (runc's system.slice:runc:ID). */
export const SYSTEMD_PREFIX = IS_RUNC ? 'runc' : 'runts';
const SCOPE_PREFIX = ID_PREFIX.replace(/-$/, '');
const scopeName = (absolute: string) => absolute.split('/').filter(Boolean).join('-');

/**
 * A spec as the cgroup driver takes it: under the systemd driver an absolute cgroupsPath
 * (/a/b, which runc's systemd driver refuses) becomes system.slice:rtst:a-b, a scope of that name.
 */
export function forDriver(spec: Spec): Spec {
  const path = spec.linux?.cgroupsPath;
  if (!SYSTEMD_CGROUP || !path?.startsWith('/')) return spec;
  return { ...spec, linux: { ...spec.linux, cgroupsPath: `system.slice:${SCOPE_PREFIX}:${scopeName(path)}` } };
}

/** Under the systemd driver, the scope (below a cgroup mount) of a cgroupsPath as forDriver writes it, or of an id without one. */
export function systemdScope(pathOrId: string): string {
  return pathOrId.startsWith('/') ? `system.slice/${SCOPE_PREFIX}-${scopeName(pathOrId)}.scope` : `system.slice/${SYSTEMD_PREFIX}-${pathOrId}.scope`;
}

/** The runtime's default spec (runc spec), made non-interactive, running `multitool ARGS`. */
export function testSpec(args: string[]): Spec {
  const s = defaultSpec({ rootless: false });
  s.process!.terminal = false;
  s.process!.args = ['/multitool', ...args];
  s.hostname = 'rtst';
  return s;
}

export class Harness {
  readonly dir: string;
  readonly root: string;
  private readonly ids = new Set<string>();

  constructor(t: Tap) {
    this.dir = mkdtempSync(TMP_PREFIX);
    this.root = join(this.dir, 'state');
    t.teardown(() => this.cleanup());
  }

  /** A fresh container id (prefixed, unique across parallel test files). */
  id(name = 'c'): string {
    const id = `${ID_PREFIX}${name}-${process.pid}-${++counter}`;
    this.ids.add(id);
    return id;
  }

  /** A bundle dir with rootfs/multitool (and the dirs a default spec mounts on) and config.json. */
  bundle(args: string[] | Spec, edit?: (s: Spec) => void): Bundle {
    const dir = join(this.dir, `bundle-${++counter}`), rootfs = join(dir, 'rootfs');
    for (const d of ['proc', 'sys', 'dev', 'tmp', 'etc']) mkdirSync(join(rootfs, d), { recursive: true });
    copyFileSync(MULTITOOL, join(rootfs, 'multitool'));
    chmodSync(join(rootfs, 'multitool'), 0o755);
    const spec = Array.isArray(args) ? testSpec(args) : args;
    edit?.(spec);
    const b: Bundle = { dir, rootfs, spec, write: (s = b.spec) => writeFileSync(join(dir, 'config.json'), JSON.stringify(forDriver(s), null, 2)) };
    b.write();
    return b;
  }

  /**
   * Runs the runtime with --root and waits for it to exit. Its stdout and stderr go to files, not
   * pipes: a created container's init keeps the runtime's stdio open, as with runc.
   * stdin is /dev/null unless `input` is given; `fds` are files opened as fds 3, 4, ...;
   * `at` gives the runtime more open fds at the numbers it names (fd number: an fd of the test).
   */
  rt(args: string[], o: { input?: string; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv; fds?: string[]; at?: Record<number, number> } = {}): Result {
    const out = join(this.dir, `out-${++counter}`), err = join(this.dir, `err-${counter}`);
    const fds = [o.input === undefined ? openSync('/dev/null', 'r') : 'pipe', openSync(out, 'w'), openSync(err, 'w'),
      ...(o.fds ?? []).map((f) => openSync(f, 'r'))] as const;
    const stdio: (number | 'pipe' | 'ignore')[] = [...fds];
    for (const [n, fd] of Object.entries(o.at ?? {})) {
      while (stdio.length <= Number(n)) stdio.push('ignore'); // 'ignore' above 2: not opened in the child
      stdio[Number(n)] = fd;
    }
    try {
      const r = spawnSync(...withEnv(o.env ?? RT_ENV, [BIN, ...globalArgs(this.root), ...args]), {
        input: o.input, stdio, timeout: o.timeoutMs ?? 30_000, killSignal: 'SIGKILL', cwd: o.cwd,
      });
      const res = { status: r.status, signal: r.signal, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') + (r.error ? String(r.error) : '') };
      rmSync(out); rmSync(err);
      return res;
    } finally { for (const fd of fds) if (typeof fd === 'number') closeSync(fd); }
  }

  /** Starts the runtime in the background (a foreground `run` that a test signals or feeds); output goes to files. */
  spawn(args: string[], o: { stdin?: 'pipe' | 'ignore' } = {}) {
    const out = join(this.dir, `out-${++counter}`), err = join(this.dir, `err-${counter}`);
    const fds = [openSync(out, 'w'), openSync(err, 'w')];
    const child = spawn(...withEnv(RT_ENV, [BIN, ...globalArgs(this.root), ...args]), { stdio: [o.stdin ?? 'ignore', fds[0], fds[1]] });
    for (const fd of fds) closeSync(fd);
    const done = new Promise<Result>((res) => child.on('exit', (status, signal) =>
      res({ status, signal, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') })));
    return { child, done, output: () => readFileSync(out, 'utf8') };
  }

  /** `run` in the foreground, the usual way a test looks inside a container. */
  run(b: Bundle, id = this.id(), extra: string[] = []): Result {
    return this.rt(['run', '--bundle', b.dir, ...extra, id]);
  }

  /** The container's state JSON, or undefined when the runtime says it does not exist. */
  state(id: string): { status: string; pid: number; bundle: string; id: string; annotations?: Record<string, string> } | undefined {
    const r = this.rt(['state', id]);
    return r.status === 0 ? JSON.parse(r.stdout) : undefined;
  }

  waitForState(id: string, status: string, timeoutMs = 10_000): void {
    waitFor(`${id} to be ${status}`, () => this.state(id)?.status === status, timeoutMs, 20);
  }

  /** Force-deletes every container this harness named, then checks nothing is left. */
  cleanup(): void {
    const problems: string[] = [];
    for (const id of this.ids) {
      if (this.state(id)) this.rt(['delete', '--force', id]);
      const rest = [id, ...scopesOf(id)].flatMap((rel) => removeCgroups(rel).dirs);
      if (rest.length) problems.push(`cgroups of ${id} left: ${rest.join(', ')}`);
    }
    const mounts = mountsUnder(this.dir);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    if (mounts.length) problems.push(`mounts left: ${mounts.join(', ')}`);
    const states = existsSync(this.root) ? readdirSync(this.root) : [];
    if (states.length) problems.push(`state dirs left in ${this.root}: ${states.join(', ')}`);
    rmSync(this.dir, { recursive: true, force: true });
    if (problems.length) throw new Error(problems.join('; '));
  }
}

/** Under the systemd driver, the scopes named after id in system.slice (PREFIX-ID.scope), as paths below a cgroup mount. */
function scopesOf(id: string): string[] {
  if (!SYSTEMD_CGROUP) return [];
  return [...new Set(cgroupRoots().flatMap((r) => {
    try { return readdirSync(join(r.mountpoint, 'system.slice')).filter((n) => n.endsWith(`-${id}.scope`)); } catch { return []; }
  }))].map((n) => `system.slice/${n}`);
}

/** multitool arguments that run several commands in turn (`then CMD -- CMD ...`). */
export function seq(...cmds: string[][]): string[] {
  return cmds.slice(0, -1).reduceRight((rest, cmd) => ['then', ...cmd, '--', ...rest], cmds[cmds.length - 1]);
}

/** Parses the JSON line multitool info prints (the last line of stdout starting with '{'). */
export function info(stdout: string): Record<string, any> {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no multitool info in output: ${JSON.stringify(stdout.slice(0, 400))}`);
  return JSON.parse(line);
}

export { sleepMs, waitFor };
