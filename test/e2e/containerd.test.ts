// End to end: a private containerd (Debian's 1.6) drives the runtime under test through its
// io.containerd.runc.v2 shim, the way a real node would; containerd 2.x's shim (from Debian sid,
// fetched by scripts/setup-host.sh) shows -info. RUNTIME=runts (default) or runc.
// See test/e2e/README.md for what is checked and the pitfalls met on the way.
import t, { type Test } from 'tap';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Containerd, PACKAGES, RUNC_ROOT, SHIM2_DIR, containerd2Shim, ensureContainerd, reapStaleRuns,
} from './lib/containerd.js';
import {
  alive, controllerDir, describe, nsLink, readTrim, run, shq, waitFor, type Result,
} from '../lib/host.js';
import { ociArch, writeImage } from './lib/oci-image.js';
import { normalize, readCalls, resolveRuntime, runtimeProblem, specFiles, type RuntimeCall } from './lib/runtime.js';
import { optionsBinaryName, parseRuntimeInfo, runcOptionsAny, type AnyMessage, type RuntimeInfo } from './lib/shim-options.js';


/**
 * ARGV run by sh, which keeps its exit status and lingers 0.3 s after it: `ctr task exec` cancels
 * its output copy as soon as the exit arrives (containerd's cio), so a process that prints and
 * exits within milliseconds can lose its output, whichever runtime ran it (seen once in a few runs).
 */
function settled(argv: string[]): string[] {
  return ['sh', '-c', '"$@"; s=$?; sleep 0.3; exit $s', 'sh', ...argv];
}

const IMAGE = 'docker.io/runts-e2e/busybox:latest';
/** The parts of a runtime's features document that the tests read. */
type Features = { ociVersionMin?: string; mountOptions?: string[]; annotations?: Record<string, string> };
const MiB = 1024 * 1024;
/** What runc and runts log when the process's binary is missing; containerd passes it on. */
const ENOENT_MSG = /OCI runtime (create|exec) failed: .*stat \/no\/such\/binary: no such file or directory/;

t.setTimeout(300_000);

const rt = resolveRuntime();
const started = Date.now();

t.comment(`runtime under test: ${rt.path}`);
const install = ensureContainerd();
if (install.skip) t.plan(0, install.skip);
else main();

function main(): void {
  t.comment(`${install.version}${install.installed ? ` (installed now: apt-get install ${PACKAGES.join(' ')})` : ''}`);
  const problem = runtimeProblem(rt);
  if (problem) { t.fail(`the runtime under test does not start: ${problem}`); return; }
  const stale = reapStaleRuns();
  if (stale.length) t.comment(`cleaned what earlier killed runs left: ${stale.join(', ')}`);

  const cd = new Containerd(rt);
  const stopQuietly = (): void => { try { cd.stop(); } catch { /* best effort at exit */ } };
  process.on('exit', stopQuietly);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => { stopQuietly(); process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1)); });
  }
  t.teardown(() => { stopQuietly(); t.comment(`whole test: ${((Date.now() - started) / 1000).toFixed(1)} s`); });

  // containerd starts without calling the runtime: a failure here is the host's, not the runtime's.
  try { cd.start(); } catch (e) { t.plan(0, `containerd does not start on this host: ${(e as Error).message}\n${cd.logTail()}`); return; }

  const ctr = (args: string[], o: { input?: string; seconds?: number } = {}): Result => cd.ctr(args, o);
  const runC = (id: string, flags: string[], cmd: string[], o: { input?: string; seconds?: number } = {}): Result =>
    ctr(cd.runArgs(id, flags, IMAGE, cmd), o);
  /** A detached container running `cmd`, removed at the end of test `tt`. */
  const detached = (tt: Test, id: string, flags: string[], cmd: string[]): { pid: number; status: string } | undefined => {
    tt.teardown(() => cd.remove(id));
    const r = runC(id, ['--detach', ...flags], cmd);
    if (!tt.equal(r.status, 0, `ctr run -d ${id}: ${describe(r)}`)) return undefined;
    try { return cd.waitStatus(id, 'RUNNING'); } catch (e) { tt.fail((e as Error).message); return undefined; }
  };
  const sh = (script: string): string[] => ['sh', '-c', script];

  t.test('containerd is private: its own sockets, no network listener', async (t) => {
    const v = ctr(['version']);
    t.equal(v.status, 0, describe(v));
    t.match(v.stdout, /Server:/);
    const serving = [...readFileSync(cd.logFile, 'utf8').matchAll(/msg=serving\.\.\. address=("?)([^"\s]+)\1/g)].map((m) => m[2]);
    t.ok(serving.length >= 2, `containerd serves: ${serving.join(', ')}`);
    t.same(serving.filter((a) => !a.startsWith(cd.dir + '/')), [], 'every listener is a socket in the temp dir');
  });

  t.test('a hand-made OCI image layout imports and unpacks with overlayfs', async (t) => {
    const tarball = join(cd.dir, 'image.tar');
    const img = writeImage({
      ref: IMAGE, entrypoint: ['/bin/sh', '-c'], cmd: ['echo "cwd=$(pwd) marker=$E2E_IMAGE user=$(id -un)"'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'E2E_IMAGE=yes'], workingDir: '/work/dir',
    }, tarball);
    t.comment(`image ${img.manifestDigest}, layer ${img.layerDigest}`);
    const r = ctr(['images', 'import', '--platform', `linux/${ociArch()}`, '--snapshotter', 'overlayfs', tarball], { seconds: 120 });
    t.equal(r.status, 0, describe(r));
    const ls = ctr(['images', 'ls', '--quiet']);
    t.ok(ls.stdout.split('\n').includes(IMAGE), `image listed: ${describe(ls)}`);
    const snaps = ctr(['snapshots', '--snapshotter', 'overlayfs', 'ls']);
    t.match(snaps.stdout, /Committed/, `the layer is unpacked: ${describe(snaps)}`);
  });

  t.test('ctr run --rm echo hello', async (t) => {
    const r = runC('hello', ['--rm'], ['echo', 'hello']);
    t.equal(r.status, 0, describe(r));
    t.equal(r.stdout, 'hello\n');
    t.notOk(cd.containers().includes('hello'), 'the container is gone');
    t.notOk(cd.runtimeStateEntries().includes('hello'), `no state left in ${RUNC_ROOT}/${cd.ns}`);
  });

  t.test("the image's Entrypoint, Cmd, Env and WorkingDir apply", async (t) => {
    const r = runC('imgcfg', ['--rm'], []);
    t.equal(r.status, 0, describe(r));
    t.equal(r.stdout.trim(), 'cwd=/work/dir marker=yes user=root');
  });

  t.test('exit codes come back through the shim', async (t) => {
    for (const code of [0, 3, 42]) {
      const r = runC(`exit${code}`, ['--rm'], sh(`exit ${code}`));
      t.equal(r.status, code, `sh -c 'exit ${code}': ${describe(r)}`);
    }
    // PID 1 of a pid namespace ignores SIGKILL sent from inside: the shell's child is killed, and
    // the shell reports 128+9; a task killed from outside is checked with the detached task below.
    const k = runC('killed', ['--rm'], sh(`sh -c 'kill -KILL $$'; exit $?`));
    t.equal(k.status, 137, `a child killed by SIGKILL gives 128+9: ${describe(k)}`);
    const missing = runC('enoent', ['--rm'], ['/no/such/binary']);
    t.not(missing.status, 0, `a missing binary fails the run: ${describe(missing)}`);
    t.match(missing.stderr, ENOENT_MSG, "the runtime's error (its --log json) reaches the user");
    cd.remove('enoent');
  });

  t.test('stdin reaches the container', async (t) => {
    // ctr run does not close the container's stdin at the end of its input: the container reads
    // exactly what it expects instead of waiting for end of file.
    const r = runC('stdin', ['--rm'], sh('read a; read b; echo "2:$b 1:$a"'), { input: 'line one\nline two\n' });
    t.equal(r.status, 0, describe(r));
    t.equal(r.stdout, '2:line two 1:line one\n');
  });

  t.test('--env and --cwd', async (t) => {
    const r = runC('envcwd', ['--rm', '--env', 'FOO=bar', '--env', 'SPACED=a b', '--cwd', '/tmp'], sh('echo "$FOO|$SPACED|$E2E_IMAGE|$(pwd)"'));
    t.equal(r.status, 0, describe(r));
    t.equal(r.stdout.trim(), 'bar|a b|yes|/tmp');
  });

  t.test('--read-only makes the rootfs read-only', async (t) => {
    const probe = sh('if touch /probe 2>/dev/null; then echo writable; else echo read-only; fi; grep -E "^[^ ]+ / [^ ]+ ro[, ]" /proc/mounts >/dev/null && echo ro-mount');
    const ro = runC('readonly', ['--rm', '--read-only'], probe);
    t.equal(ro.status, 0, describe(ro));
    t.equal(ro.stdout.trim(), 'read-only\nro-mount');
    const rw = runC('readwrite', ['--rm'], probe);
    t.equal(rw.stdout.trim(), 'writable', `control without --read-only: ${describe(rw)}`);
  });

  t.test('a detached task: namespaces, exec, ps, pause, resume, kill, delete', async (t) => {
    const id = 'detached';
    const task = detached(t, id, [], ['sleep', '1000']);
    if (!task) return;
    const pid = task.pid;
    t.ok(pid > 0 && alive(pid), `the task's pid ${pid} lives on the host`);

    t.test('the container has its own namespaces', async (t) => {
      for (const ns of ['pid', 'mnt', 'uts', 'ipc', 'net']) {
        t.not(nsLink(pid, ns), nsLink('self', ns), `${ns} namespace differs from the host's`);
      }
      const inside = ctr(['task', 'exec', '--exec-id', 'ps1', id, ...settled(['ps', '-o', 'pid,args'])]);
      t.match(inside.stdout, /^\s*1\s+sleep 1000$/m, `the task is PID 1 inside: ${describe(inside)}`);
    });

    t.test('ctr task exec: output, exit code, --user, --cwd, stdin', async (t) => {
      const e = ctr(['task', 'exec', '--exec-id', 'e1', id, ...settled(['sh', '-c', 'echo from exec; id -u'])]);
      t.equal(e.status, 0, describe(e));
      t.equal(e.stdout, 'from exec\n0\n');
      const code = ctr(['task', 'exec', '--exec-id', 'e2', id, 'sh', '-c', 'exit 5']);
      t.equal(code.status, 5, `exec exit code: ${describe(code)}`);
      const user = ctr(['task', 'exec', '--exec-id', 'e3', '--user', 'nobody', id, ...settled(['id'])]);
      t.match(user.stdout, /^uid=65534\b.*gid=65534\b/, `--user nobody, resolved from the image's /etc/passwd: ${describe(user)}`);
      const cwd = ctr(['task', 'exec', '--exec-id', 'e4', '--cwd', '/etc', id, ...settled(['pwd'])]);
      t.equal(cwd.stdout.trim(), '/etc', describe(cwd));
      const input = ctr(['task', 'exec', '--exec-id', 'e5', id, 'cat'], { input: 'to the exec\n' });
      t.equal(input.stdout, 'to the exec\n', describe(input));
      const bad = ctr(['task', 'exec', '--exec-id', 'e6', id, '/no/such/binary']);
      t.not(bad.status, 0, `exec of a missing binary fails: ${describe(bad)}`);
      t.match(bad.stderr, ENOENT_MSG, "the runtime's exec error reaches the user");
      const after = cd.task(id);
      t.equal(after?.status, 'RUNNING', 'a failed exec leaves the task running');
    });

    t.test('ctr task ps lists the init and an exec', async (t) => {
      const bg = ctr(['task', 'exec', '--detach', '--exec-id', 'bg', id, 'sleep', '1000']);
      t.equal(bg.status, 0, describe(bg));
      const pids = (): number[] => ctr(['task', 'ps', id]).stdout.split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[0])).filter((n) => n > 0);
      let seen: number[] = [];
      try { seen = waitFor('two processes in ctr task ps', () => { const p = pids(); return p.length >= 2 ? p : undefined; }, 10_000); } catch (e) { t.fail((e as Error).message); }
      t.ok(seen.includes(pid), `ps lists the init ${pid}: ${seen.join(' ')}`);
      t.equal(seen.length, 2, 'and the detached exec');
      const k = ctr(['task', 'kill', '--exec-id', 'bg', '--signal', 'SIGKILL', id]);
      t.equal(k.status, 0, `kill one exec: ${describe(k)}`);
      try { waitFor('the exec to leave ps', () => pids().length === 1, 10_000); t.pass('only the init is left'); } catch (e) { t.fail((e as Error).message); }
      t.ok(alive(pid), 'the init lives on');
    });

    t.test('pause and resume', async (t) => {
      const freezer = controllerDir(pid, 'freezer');
      const p = ctr(['task', 'pause', id]);
      t.equal(p.status, 0, describe(p));
      t.equal(cd.task(id)?.status, 'PAUSED', 'ctr task ls: PAUSED');
      if (freezer?.version === 1) t.equal(readTrim(join(freezer.dir, 'freezer.state')), 'FROZEN', 'freezer.state');
      else if (freezer?.version === 2) t.equal(readTrim(join(freezer.dir, 'cgroup.freeze')), '1', 'cgroup.freeze');
      const r = ctr(['task', 'resume', id]);
      t.equal(r.status, 0, describe(r));
      t.equal(cd.task(id)?.status, 'RUNNING', 'ctr task ls: RUNNING');
      if (freezer?.version === 1) t.equal(readTrim(join(freezer.dir, 'freezer.state')), 'THAWED', 'freezer.state');
      else if (freezer?.version === 2) t.equal(readTrim(join(freezer.dir, 'cgroup.freeze')), '0', 'cgroup.freeze');
    });

    t.test('kill and delete', async (t) => {
      const k = ctr(['task', 'kill', '--signal', 'SIGKILL', id]);
      t.equal(k.status, 0, describe(k));
      try { cd.waitStatus(id, 'STOPPED'); t.pass('STOPPED'); } catch (e) { t.fail((e as Error).message); }
      t.notOk(alive(pid), 'the init is gone');
      const d = ctr(['task', 'delete', id]);
      t.equal(d.status, 0, describe(d));
      t.match(d.stderr, /exit code 137/, 'containerd saw 128+SIGKILL');
      const c = ctr(['container', 'delete', id]);
      t.equal(c.status, 0, describe(c));
      t.notOk(cd.runtimeStateEntries().includes(id), `the runtime deleted its state in ${RUNC_ROOT}/${cd.ns}`);
      try { waitFor('the shim to exit', () => !existsSync(cd.shimSocket(id)), 10_000); t.pass('the shim is gone with its socket'); } catch (e) { t.fail((e as Error).message); }
    });
  });

  t.test('memory and cpu limits reach the cgroup, and ctr task metrics reads them', async (t) => {
    const lim = detached(t, 'limits', ['--memory-limit', String(64 * MiB), '--cpus', '0.5'], ['sleep', '1000']);
    if (lim) {
      const mem = controllerDir(lim.pid, 'memory'), cpu = controllerDir(lim.pid, 'cpu');
      t.ok(mem && cpu, `the task's memory and cpu cgroups: ${mem?.dir} ${cpu?.dir}`);
      t.ok(mem?.dir.includes(cd.ns), `the cgroup is under the containerd namespace (${mem?.dir})`);
      if (mem?.version === 1) {
        t.equal(readTrim(join(mem.dir, 'memory.limit_in_bytes')), String(64 * MiB), 'memory.limit_in_bytes');
      } else if (mem) t.equal(readTrim(join(mem.dir, 'memory.max')), String(64 * MiB), 'memory.max');
      // ctr's spec mounts no cgroupfs and has no cgroup namespace: /proc/self/cgroup shows host paths.
      const inside = ctr(['task', 'exec', '--exec-id', 'cg', 'limits', ...settled(['cat', '/proc/self/cgroup'])]);
      const memLine = (text: string): string | undefined => {
        const lines = text.split('\n');
        return lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l)) ?? lines.find((l) => l.startsWith('0::'));
      };
      t.equal(memLine(inside.stdout), memLine(readFileSync(`/proc/${lim.pid}/cgroup`, 'utf8')), `an exec joins the init's memory cgroup: ${describe(inside)}`);
      if (cpu?.version === 1) {
        t.equal(readTrim(join(cpu.dir, 'cpu.cfs_quota_us')), '50000', 'cpu.cfs_quota_us (--cpus 0.5)');
        t.equal(readTrim(join(cpu.dir, 'cpu.cfs_period_us')), '100000', 'cpu.cfs_period_us');
      } else if (cpu) t.equal(readTrim(join(cpu.dir, 'cpu.max')), '50000 100000', 'cpu.max (--cpus 0.5)');
      const m = ctr(['task', 'metrics', 'limits']);
      t.equal(m.status, 0, describe(m));
      t.match(m.stdout, new RegExp(`memory\\.(limit_in_bytes|max)\\s+${64 * MiB}\\b`), 'metrics show the memory limit');
      t.match(m.stdout, /pids\.current\s+[1-9]/, 'metrics count the task');
      const j = ctr(['task', 'metrics', '--format', 'json', 'limits']);
      let parsed: unknown;
      try { parsed = JSON.parse(j.stdout); } catch { /* */ }
      t.ok(parsed && typeof parsed === 'object', `metrics --format json parses: ${describe(j)}`);
    }
    const q = detached(t, 'quota', ['--cpu-quota', '20000', '--cpu-period', '50000', '--cpu-shares', '512'], ['sleep', '1000']);
    if (q) {
      const cpu = controllerDir(q.pid, 'cpu');
      if (cpu?.version === 1) {
        t.equal(readTrim(join(cpu.dir, 'cpu.cfs_quota_us')), '20000', 'cpu.cfs_quota_us (--cpu-quota)');
        t.equal(readTrim(join(cpu.dir, 'cpu.cfs_period_us')), '50000', 'cpu.cfs_period_us (--cpu-period)');
        t.equal(readTrim(join(cpu.dir, 'cpu.shares')), '512', 'cpu.shares (--cpu-shares)');
      } else if (cpu) t.equal(readTrim(join(cpu.dir, 'cpu.max')), '20000 50000', 'cpu.max');
      else t.fail('no cpu cgroup found for the task');
    }
  });

  t.test('SIGTERM from ctr task kill reaches a trap in PID 1', async (t) => {
    const id = 'sigterm', log = join(cd.dir, 'sigterm.log');
    const task = detached(t, id, ['--log-uri', `file://${log}`],
      sh('trap "echo got TERM; exit 0" TERM; echo ready; while true; do sleep 0.1; done'));
    if (!task) return;
    const text = (): string => { try { return readFileSync(log, 'utf8'); } catch { return ''; } };
    try { waitFor('"ready" in the task log', () => text().includes('ready'), 15_000); } catch (e) { t.fail(`${(e as Error).message}: ${text()}`); return; }
    const k = ctr(['task', 'kill', id]); // ctr's default signal is SIGTERM
    t.equal(k.status, 0, describe(k));
    try { cd.waitStatus(id, 'STOPPED'); } catch (e) { t.fail((e as Error).message); }
    t.match(text(), /ready\s+got TERM/, 'the trap ran');
    const d = ctr(['task', 'delete', id]);
    t.equal(d.status, 0, describe(d));
    t.notMatch(d.stderr, /non-zero exit code/, 'the task exited 0 from its trap');
  });

  t.test('a terminal: ctr run -t', async (t) => {
    cd.noteId('tty-run');
    t.teardown(() => cd.remove('tty-run'));
    const cmd = cd.ctrArgv(cd.runArgs('tty-run', ['--rm', '--tty'], IMAGE, sh('tty; [ -t 0 ] && [ -t 1 ] && echo stdio-is-tty; exit 4')));
    const r = run(['script', '-qec', cmd.map(shq).join(' '), '/dev/null']);
    t.equal(r.status, 4, `the exit code comes through the pty: ${describe(r)}`);
    t.match(r.stdout, /\/dev\/pts\/\d+/, 'tty names a pts');
    t.match(r.stdout, /stdio-is-tty/, 'stdin and stdout are the terminal');
  });

  t.test('a terminal: ctr task exec -t', async (t) => {
    const id = 'tty-exec';
    if (!detached(t, id, [], ['sleep', '1000'])) return;
    const cmd = cd.ctrArgv(['task', 'exec', '--tty', '--exec-id', 'tty1', id, 'sh', '-c', 'tty; [ -t 0 ] && echo exec-is-tty; exit 6']);
    const r = run(['script', '-qec', cmd.map(shq).join(' '), '/dev/null']);
    t.equal(r.status, 6, describe(r));
    t.match(r.stdout, /\/dev\/pts\/\d+/);
    t.match(r.stdout, /exec-is-tty/);
    const plain = ctr(['task', 'exec', '--exec-id', 'plain', id, 'sh', '-c', '[ -t 0 ] || echo no-tty']);
    t.equal(plain.stdout.trim(), 'no-tty', 'the init itself has no terminal');
  });

  t.test('the features containerd reads from the runtime', async (t) => {
    const r = run([rt.path, 'features'], { seconds: 30 });
    t.equal(r.status, 0, describe(r));
    let f: Features = {};
    try { f = JSON.parse(r.stdout); } catch { t.fail(`features is not JSON: ${describe(r)}`); }
    t.match(f.ociVersionMin, /^1\.\d+\.\d+$/, 'ociVersionMin');
    t.ok(f.mountOptions?.includes('rro'), '"rro" in mountOptions (containerd requires it)');
  });

  // containerd 2.x's shim (Debian 12's 1.6 has no -info), fetched from Debian sid by setup.
  const shim2 = containerd2Shim();
  t.test('containerd-shim-runc-v2 -info with BinaryName prints the runtime features', { skip: 'skip' in shim2 && shim2.skip }, async (t) => {
    if ('skip' in shim2) return;
    t.comment(`containerd-shim-runc-v2 ${shim2.version} (Debian sid's containerd) from ${SHIM2_DIR}`);
    /** Runs `-info` with `options` on stdin; its stdout is binary protobuf, so it goes to a file. */
    const info = (name: string, options: Buffer): { r: Result; info?: RuntimeInfo; error?: string } => {
      const out = join(cd.dir, `${name}.pb`);
      const r = run(['sh', '-c', `${shq(shim2.path)} -info > ${shq(out)}`], { seconds: 20, input: options });
      if (r.status !== 0) return { r };
      try { return { r, info: parseRuntimeInfo(readFileSync(out)) }; } catch (e) { return { r, error: `${out}: ${(e as Error).message}` }; }
    };
    const features = (any: AnyMessage | undefined): Features | undefined => {
      if (!any) return undefined;
      try { return JSON.parse(any.value.toString()); } catch { return undefined; }
    };

    // The runtime options name the wrapper around the runtime under test, which logs the call.
    const before = readCalls(cd.argvLog).length;
    const withOpts = info('info', runcOptionsAny(cd.wrapper));
    if (!t.equal(withOpts.r.status, 0, describe(withOpts.r)) || !t.ok(withOpts.info, withOpts.error ?? 'RuntimeInfo decodes')) return;
    const ri = withOpts.info!;
    t.equal(ri.name, 'io.containerd.runc.v2', 'RuntimeInfo.name');
    t.match(ri.version, /^2\./, 'RuntimeInfo.version is the 2.x shim\'s');
    t.equal(ri.options?.typeUrl, 'containerd.runc.v1.Options', 'the options come back in RuntimeInfo.options');
    t.equal(ri.options && optionsBinaryName(ri.options.value), cd.wrapper, 'with BinaryName = the wrapper');
    const calls = readCalls(cd.argvLog).slice(before);
    t.same(calls.map((c) => `${c.status}: ${c.argv.join(' ')}`), ['0: features'], 'the shim ran `<BinaryName> features`, once');
    t.match(ri.features?.typeUrl, /\/opencontainers\/runtime-spec\/1\/features\/Features$/, 'RuntimeInfo.features is the runtime-spec Features');
    const got = features(ri.features);
    if (!t.ok(got, `the features are JSON: ${ri.features?.value.toString().slice(0, 200)}`)) return;

    // They are the runtime's own: what `<runtime> features` prints (less what containerd's
    // Features struct does not know), with the runtime's name and version in its annotations.
    const direct = run([rt.path, 'features'], { seconds: 30 });
    let own: Features = {};
    try { own = JSON.parse(direct.stdout); } catch { t.fail(`features is not JSON: ${describe(direct)}`); }
    const dropped: string[] = [];
    t.strictSame(got, restrictTo(own, got, '', dropped), 'the same as `<runtime> features`, but for fields the shim does not know');
    t.comment(`fields of \`${rt.name} features\` that the shim dropped: ${dropped.join(', ') || 'none'}`);
    t.match(got!.ociVersionMin, /^1\.\d+\.\d+$/, 'ociVersionMin');
    const version = /version (\S+)/.exec(run([rt.path, '--version']).stdout)?.[1];
    const key = rt.isRunc ? 'org.opencontainers.runc.version' : rt.name === 'runts' ? 'io.github.runts.version' : undefined;
    t.ok(version, `${rt.name} --version names a version`);
    t.equal(got!.annotations?.[key ?? ''], version, `annotation ${key} is ${rt.name}'s version`,
      { skip: !key && `no annotation known for the version of ${rt.name}` });
    // runc lists "rro" too (1.1 on): the annotation above is what only the runtime's own output has.
    t.ok(got!.mountOptions?.includes('rro'), '"rro" in mountOptions');

    // Control: with no options the shim asks "runc" from PATH, not the runtime under test.
    const none = info('info-none', Buffer.alloc(0));
    if (!t.equal(none.r.status, 0, `without options: ${describe(none.r)}`) || !t.ok(none.info, none.error ?? 'RuntimeInfo decodes')) return;
    t.equal(none.info!.options, undefined, 'no options, none in RuntimeInfo');
    t.equal(readCalls(cd.argvLog).length, before + 1, 'the wrapper was not called');
    t.notOk(features(none.info!.features)?.annotations?.['io.github.runts.version'], 'the features of runc from PATH have no runts annotation');
  });

  t.test('what the shim asked of the runtime', async (t) => {
    const calls = readCalls(cd.argvLog);
    t.ok(calls.length > 0, `${calls.length} runtime calls recorded`);
    const cmds = new Set(calls.map((c) => c.command));
    for (const c of ['create', 'start', 'exec', 'ps', 'pause', 'resume', 'kill', 'delete']) t.ok(cmds.has(c), `the shim called ${c}`);
    const shimCalls = calls.filter((c) => c.command !== 'features'); // -info runs `features` bare
    const flag = (c: RuntimeCall, f: string): string | undefined => (c.argv.includes(f) ? c.argv[c.argv.indexOf(f) + 1] : undefined);
    t.same([...new Set(shimCalls.map((c) => flag(c, '--root')))], [`${RUNC_ROOT}/${cd.ns}`], 'every call has --root /run/containerd/runc/<namespace>');
    t.ok(shimCalls.every((c) => flag(c, '--log')?.endsWith('/log.json') && flag(c, '--log-format') === 'json'), 'every call has --log <bundle>/log.json --log-format json');
    const failed = calls.filter((c) => c.status !== 0);
    // The missing binary must fail its create (1) and its exec (255); nothing else may fail.
    const expected = (c: RuntimeCall): boolean => (c.command === 'exec' && c.status === 255 && c.argv.some((a) => a.endsWith('/e6.pid')))
      || (c.command === 'create' && c.status === 1 && c.argv.at(-1) === 'enoent');
    const unexpected = failed.filter((c) => !expected(c));
    t.same(unexpected.map((c) => `${c.status}: ${c.argv.join(' ')}`), [], 'no unexpected runtime failures');
    const shapes = new Map<string, { n: number; ms: number; rc: Set<number> }>();
    for (const c of calls) {
      const k = normalize(c.argv, { dir: cd.dir, ns: cd.ns, ids: [...cd.ids] });
      const s = shapes.get(k) ?? { n: 0, ms: 0, rc: new Set<number>() };
      s.n++; s.ms += c.ms; s.rc.add(c.status);
      shapes.set(k, s);
    }
    t.comment('runtime calls (count, mean ms, exit codes: argv with $NS, $ID, $TMP):');
    for (const [k, s] of [...shapes].sort((a, b) => b[1].n - a[1].n)) {
      t.comment(`  ${String(s.n).padStart(3)} ${(s.ms / s.n).toFixed(0).padStart(5)} ms rc=${[...s.rc].join(',')}  ${k}`);
    }
    const keep = process.env.E2E_KEEP;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(cd.argvLog, join(keep, 'runtime-argv.log'));
      writeFileSync(join(keep, 'runtime-calls.txt'), [...shapes].map(([k, s]) => `${s.n}\t${(s.ms / s.n).toFixed(0)}ms\trc=${[...s.rc].join(',')}\t${k}`).join('\n') + '\n');
      for (const f of specFiles(cd.specsDir)) copyFileSync(f, join(keep, f.slice(f.lastIndexOf('/') + 1)));
      copyFileSync(cd.config, join(keep, 'config.toml'));
      t.comment(`kept the argv log, specs and config.toml in ${keep}`);
    }
  });

  t.test('teardown: containerd stops and nothing of this test is left', async (t) => {
    for (const id of cd.containers()) cd.remove(id);
    t.same(cd.containers(), [], 'no containers left in the namespace');
    t.same(cd.runtimeStateEntries(), [], `the runtime left no state in ${RUNC_ROOT}/${cd.ns}`);
    const forced = cd.stop();
    t.notOk(alive(cd.pid), 'containerd has exited');
    t.same(forced.processes, [], 'no containerd or shim process had to be killed');
    t.same(forced.mounts, [], 'no mount was left under the temp dir');
    t.same(forced.cgroupPids, [], 'no process was left in the cgroups');
    t.same(forced.cgroups, [], 'every cgroup of the namespace could be removed');
    t.same(forced.runtimeState, [], 'no runtime state was left');
    t.same(forced.shimSockets, [], 'no shim socket was left in /run/containerd/s');
    t.same(forced.other, [], 'nothing else');
    const after = cd.leftovers();
    t.same(after.processes, [], 'no process of this test remains');
    t.same(after.mounts, [], 'no mount remains');
    t.notOk(existsSync(join(RUNC_ROOT, cd.ns)), `${RUNC_ROOT}/${cd.ns} is gone`);
    t.notOk(existsSync(cd.dir), 'the temp dir is gone');
  });
}

/**
 * `value` with, in its objects, only the keys that `shape` has there (arrays and scalars are
 * kept whole); the keys left out are added to `dropped` as paths.
 */
function restrictTo(value: unknown, shape: unknown, path: string, dropped: string[]): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value) || !isObject(shape)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k in shape) out[k] = restrictTo(v, shape[k], `${path}.${k}`, dropped);
    else dropped.push(`${path}.${k}`);
  }
  return out;
}
