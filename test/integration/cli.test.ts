// runc's command line around the lifecycle: --version, spec (runc's default config.json, also
// --rootless and --bundle), features (valid, and listing only what works), the default --root,
// --log in text and json, --debug.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, Harness, info, IS_RUNC, NAME, RT_ENV, skipUnlessRoot, type Result } from '../lib/runtime.js';
import { CAPABILITIES } from '../../src/spec/features.js';
import type { NamespaceType, Spec } from '../../src/spec/types.js';

const opts = { skip: skipUnlessRoot };
const RUNC = '/usr/sbin/runc';
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** The runtime without --root, so that its default root is used. Output goes through files: a
 * created container's init keeps the runtime's stdio open. */
function bare(h: Harness, args: string[]): Result {
  const out = join(h.dir, 'bare-out'), err = join(h.dir, 'bare-err');
  const fds = [openSync(out, 'w'), openSync(err, 'w')];
  try {
    const r = spawnSync(BIN, args, { env: RT_ENV, timeout: 30_000, stdio: ['ignore', fds[0], fds[1]] });
    return { status: r.status, signal: r.signal, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
  } finally { fds.forEach((fd) => closeSync(fd)); }
}

t.test('--version: version, commit and spec lines', {
  skip: skipUnlessRoot || (IS_RUNC && 'runc 1.1.5 prints its own version, commit, spec 1.0.2-dev, go and libseccomp lines'),
}, async (t) => {
  const h = new Harness(t);
  const r = bare(h, ['--version']);
  t.equal(r.status, 0);
  const lines = r.stdout.trim().split('\n');
  t.match(lines[0], /^runts version \d+\.\d+\.\d+/);
  t.ok(lines.some((l) => /^commit: \S+$/.test(l)), `a commit line: ${r.stdout}`);
  t.ok(lines.includes('spec: 1.3.0'), 'spec: 1.3.0');
  t.same(bare(h, ['-v']).stdout, r.stdout, '-v is --version');
});

function specOf(dir: string): Spec { return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Spec; }

/** runc's own `spec` output in a fresh dir, for comparison. */
function runcSpec(t: Test, h: Harness, extra: string[]): Spec {
  const dir = join(h.dir, `runc-spec-${extra.join('')}`);
  mkdirSync(dir);
  t.equal(spawnSync(RUNC, ['spec', ...extra], { cwd: dir }).status, 0, `runc spec ${extra.join(' ')}`);
  return specOf(dir);
}

t.test('spec writes runc\'s default config.json', { skip: skipUnlessRoot || (!existsSync(RUNC) && 'runc is not installed to compare with') }, async (t) => {
  const h = new Harness(t);
  for (const extra of [[], ['--rootless']]) {
    const dir = join(h.dir, `spec${extra.join('')}`);
    mkdirSync(dir);
    const r = h.rt(['spec', ...extra], { cwd: dir });
    t.equal(r.status, 0, `spec ${extra.join(' ')}: ${r.stderr}`);
    const mine = specOf(dir), runc = runcSpec(t, h, extra);
    for (const s of [mine, runc]) { delete (s as Partial<Spec>).ociVersion; delete s.hostname; }
    t.same(mine, runc, `spec ${extra.join(' ')}: runc's structure and values (but ociVersion and hostname)`);
  }
  const dir = join(h.dir, 'spec');
  const again = h.rt(['spec'], { cwd: dir });
  t.equal(again.status, 1, 'refuses when config.json exists');
  t.match(again.stderr, /File config.json exists\. Remove it first/);
  const bundle = join(h.dir, 'bundle-arg');
  mkdirSync(bundle);
  t.equal(h.rt(['spec', '--bundle', bundle]).status, 0, '--bundle');
  t.ok(existsSync(join(bundle, 'config.json')), 'written into the --bundle dir');
  t.equal(h.rt(['spec', '-b', bundle]).status, 1, '-b: refuses there too');
  const v = specOf(bundle).ociVersion;
  if (!IS_RUNC) t.equal(v, '1.3.0', 'ociVersion is the spec runts implements');
});

interface Features {
  ociVersionMin: string; ociVersionMax: string; hooks: string[]; mountOptions: string[];
  linux: {
    namespaces: string[]; capabilities: string[]; seccomp?: { enabled: boolean; actions?: string[] };
    apparmor?: { enabled: boolean }; selinux?: { enabled: boolean };
  };
}

function features(h: Harness): Features {
  const r = h.rt(['features']);
  if (r.status !== 0) throw new Error(`features: ${r.stderr}`);
  return JSON.parse(r.stdout) as Features;
}

t.test('features: valid JSON with the spec\'s fields', opts, async (t) => {
  const h = new Harness(t);
  const f = features(h);
  t.match(f.ociVersionMin, /^1\.\d+\.\d+/);
  t.match(f.ociVersionMax, /^1\.\d+\.\d+/);
  if (!IS_RUNC) t.equal(f.ociVersionMax, '1.3.0');
  t.same(f.hooks, ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'], 'all six hooks (tested in hooks.test.ts)');
  t.ok(f.mountOptions.includes('rro'), 'mountOptions has "rro" (containerd requires it)');
  t.equal(new Set(f.mountOptions).size, f.mountOptions.length, 'no duplicate mount options');
  const known = ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts'];
  t.ok(f.linux.namespaces.every((n) => known.includes(n)), `namespaces are spec names: ${f.linux.namespaces.join(' ')}`);
  t.ok(f.linux.capabilities.every((c) => CAPABILITIES.includes(c)), 'capabilities are kernel names');
  const last = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  if (!IS_RUNC) t.equal(f.linux.capabilities.length, Math.min(last + 1, CAPABILITIES.length), 'every capability the kernel has');
  if (f.linux.seccomp?.enabled) t.ok(f.linux.seccomp.actions?.includes('SCMP_ACT_ALLOW'), 'seccomp lists its actions');
  // features.md: the runtime's features, whatever the host has (runc reports both here too)
  t.equal(f.linux.apparmor?.enabled, true, 'apparmor enabled: runts applies profiles where the host has AppArmor');
  t.equal(f.linux.selinux?.enabled, true, 'selinux enabled: runts applies labels where the host has SELinux');
});

t.test('features: every listed mount option works', {
  skip: skipUnlessRoot || (IS_RUNC && 'runc 1.1.5 lists "ratime", which fails with EINVAL on a bind mount'),
}, async (t) => {
  const h = new Harness(t);
  const src = join(h.dir, 'src');
  mkdirSync(src);
  const options = features(h).mountOptions;
  const map = [{ containerID: 0, hostID: 1000, size: 1 }]; // idmap and ridmap need mappings without a user namespace
  const r = h.run(h.bundle(['true'], (s) => {
    options.forEach((o, i) => s.mounts!.push({
      destination: `/t/${i}`, type: 'bind', source: src, options: [o === 'bind' ? 'bind' : 'rbind', o],
      ...(o === 'idmap' || o === 'ridmap' ? { uidMappings: map, gidMappings: map } : {}),
    }));
  }));
  t.equal(r.status, 0, `one bind mount per option (${options.length}): ${r.stderr}`);
});

t.test('features: every listed namespace can be made new', opts, async (t) => {
  const h = new Harness(t);
  const ns = features(h).linux.namespaces.filter((n) => n !== 'time' || existsSync('/proc/self/ns/time'));
  const r = h.run(h.bundle(['info'], (s) => {
    s.linux!.namespaces = ns.map((type) => ({ type: type as NamespaceType }));
    s.mounts = s.mounts!.filter((m) => m.type !== 'cgroup');
    if (ns.includes('user')) {
      s.linux!.uidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
    }
  }));
  t.equal(r.status, 0, `new ${ns.join(', ')}: ${r.stderr}`);
  if (r.status === 0) t.equal(info(r.stdout).pid, 1);
});

t.test('features: every listed capability can be given (that the host has)', opts, async (t) => {
  const h = new Harness(t);
  const hostBnd = BigInt(`0x${/^CapBnd:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`);
  const bit = (c: string) => 1n << BigInt(CAPABILITIES.indexOf(c));
  const listed = features(h).linux.capabilities;
  const caps = listed.filter((c) => (hostBnd & bit(c)) !== 0n);
  if (caps.length < listed.length) t.comment(`the host's bounding set lacks ${listed.filter((c) => !caps.includes(c)).join(' ')}`);
  const r = h.run(h.bundle(['info'], (s) => {
    s.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
  }));
  t.equal(r.status, 0, r.stderr);
  const mask = caps.reduce((m, c) => m | bit(c), 0n);
  t.equal(BigInt(`0x${info(r.stdout).CapBnd}`), mask, 'the bounding set is exactly the listed capabilities');
});

t.test(`--root defaults to /run/${NAME}`, opts, async (t) => {
  const h = new Harness(t);
  const id = h.id(), dir = `/run/${NAME}/${id}`;
  const b = h.bundle(['true']);
  t.teardown(() => { if (existsSync(dir)) bare(h, ['delete', '--force', id]); });
  t.equal(bare(h, ['create', '--bundle', b.dir, id]).status, 0, 'create without --root');
  t.ok(existsSync(dir), `its state is in ${dir}`);
  t.equal(h.state(id), undefined, 'and not in another root');
  t.equal(JSON.parse(bare(h, ['state', id]).stdout).status, 'created');
  t.equal(bare(h, ['delete', '--force', id]).status, 0, 'delete without --root');
  t.notOk(existsSync(dir), 'gone');
});

t.test('--log: text and json lines; errors also on stderr', opts, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const text = join(h.dir, 'log.txt'), json = join(h.dir, 'log.json');
  const r = h.rt(['--log', text, 'state', id]);
  t.equal(r.status, 1);
  const line = readFileSync(text, 'utf8').trim();
  const m = /^time="([^"]+)" level=error msg="container does not exist"/.exec(line);
  t.ok(m, `text format: ${line}`);
  if (m) t.match(m[1], RFC3339, 'RFC 3339 time');
  if (!IS_RUNC) t.equal(r.stderr, 'runts: container does not exist\n', 'and one line on stderr');
  h.rt(['--log', json, '--log-format', 'json', 'state', id]);
  h.rt(['--log', json, '--log-format', 'json', 'delete', id]);
  const entries = readFileSync(json, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  t.equal(entries.length, 2, 'one JSON object per line, appended');
  for (const e of entries) {
    t.equal(e.level, 'error');
    t.equal(e.msg, 'container does not exist');
    t.match(e.time, RFC3339);
  }
});

t.test('--debug is accepted', opts, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const r = h.rt(['--debug', 'run', '--bundle', h.bundle(['echo', 'hi']).dir, id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'hi\n', 'the container\'s output is unchanged');
  t.equal(h.rt(['--debug', 'list', '-q']).status, 0);
});

t.test('list: a --root that is a file is an error', opts, async (t) => {
  const h = new Harness(t);
  const file = join(h.dir, 'not-a-dir');
  writeFileSync(file, '');
  const r = bare(h, ['--root', file, 'list']);
  t.equal(r.status, 1, 'exit 1');
  t.match(r.stderr, /not a directory/, `names the cause: ${r.stderr.trim()}`);
  t.equal(r.stdout, '', 'no table');
});
