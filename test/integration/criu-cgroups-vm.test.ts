// The cgroups of checkpoint and restore, in the test VM (criu runs there only: see criu-vm). Three
// busybox boots per runtime: one on its cgroup2 host, one made a cgroup v1 host by its first
// steps (cgroup2 unmounted, a tmpfs on /sys/fs/cgroup with one v1 hierarchy per controller
// group, as a v1 distribution mounts them: runts finds v1 there as on a v1 host), one made a
// hybrid host the same way plus cgroup2 on /sys/fs/cgroup/unified (systemd's hybrid layout). A
// boot each: a controller used on cgroup2 lingers there (a dying memory cgroup pinned by its
// pages) and cannot move to a v1 hierarchy in the same boot. On each, for every
// --manage-cgroups-mode (given to checkpoint and restore, as runc's checkpoint.bats does): a
// counter with limits (memory, pids, cpu shares) and two processes (the init and its child)
// checkpointed, its cgroups gone, restored under a NEW id from a bundle with other limits: the
// restored init is in the new container's cgroups (/proc/<pid>/cgroup), both processes are, the
// limits there are the restoring config's (full: v1's are the checkpoint's, criu restores them;
// strict: criu refuses the container's existing cgroups), and delete removes them; the same for
// a container with a cgroup namespace (soft). The container joins a network namespace by path,
// as in criu-vm. RUNTS_CGCR_KEEP=DIR keeps the share (criu's logs); RUNTS_CGCR_ONLY=v1,soft
// (layouts and cycles, comma-separated) narrows the boots and cycles while developing.
import t from 'tap';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, ID_PREFIX, NAME } from '../lib/runtime.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { CRIU_MODULES, criuSkip, loadModules } from '../vm/criu.js';
import { numbers, piped, waitLines } from '../vm/criu-shell.js';
import { runInVm, vmSkipReason } from '../vm/vm.js';
import type { Spec } from '../../src/spec/types.js';

const NETNS = '/run/netns/rtst-cgcr';
type Layout = 'v2' | 'v1' | 'hybrid';
const MODES = ['soft', 'full', 'strict', 'ignore'];
/** The cycles: one per mode, and a container with a cgroup namespace (soft), as runc's
 * checkpoint.bats has one: its cgroup mount is the hierarchies themselves, not binds. */
const CYCLES = [...MODES, 'cgns'];
const modeOf = (cycle: string) => (cycle === 'cgns' ? 'soft' : cycle);
type Bundles = Record<'run' | 'restore' | 'runNs' | 'restoreNs', string>;
/** The v1 hierarchies the step mounts (each a directory of the tmpfs on /sys/fs/cgroup). */
const V1 = ['cpuset', 'cpu,cpuacct', 'memory', 'pids', 'devices', 'freezer', 'blkio'];

/** Limits: the checkpointed container's and the restoring bundle's. Shares at the ends of the
 * range, where runc 1.1's linear shares-to-weight and runc 1.2's (and runts') agree. */
const LIMITS = {
  run: { memory: 64 << 20, pids: 40, shares: 262144, weight: 10000 },
  restore: { memory: 96 << 20, pids: 50, shares: 2, weight: 1 },
};
type Limits = typeof LIMITS.run;

const only = (process.env.RUNTS_CGCR_ONLY ?? '').split(',').filter(Boolean);
/** Those of all that RUNTS_CGCR_ONLY names, or all when it names none of them. */
const chosen = <T extends string>(all: T[]): T[] => (all.some((x) => only.includes(x)) ? all.filter((x) => only.includes(x)) : all);
const LAYOUTS = chosen<Layout>(['v2', 'v1', 'hybrid']);
const cycles = chosen(CYCLES);

/** The mode criu restores with: runc 1.1.5's restore never reads --manage-cgroups-mode (only its
 * checkpoint does), so its restores are criu's default, soft. */
const restoreMode = (mode: string) => (NAME === 'runc' ? 'soft' : mode);

/** Why the runtime under test cannot do a mode, or false. */
const modeSkip = (mode: string): string | false => (NAME === 'runc' && mode === 'ignore'
  ? 'runc 1.1.5 has no ignore mode ("Invalid manage cgroups mode"; runc 1.2 added it)' : false);

const id = (l: Layout, mode: string, restored = false) => `${ID_PREFIX}cgcr-${l}-${mode}${restored ? '-r' : ''}`;
const tag = (l: Layout, mode: string) => `${l}-${mode}`;

/** The container's cgroup directories (relative cgroupsPath: the id below the root cgroup). */
const cgDirs = (l: Layout, cid: string) => (l === 'v2' ? [`/sys/fs/cgroup/${cid}`] : V1.map((h) => `/sys/fs/cgroup/${h}/${cid}`));

/** The limit files of the container's cgroups: memory, pids, cpu weight (or shares). */
function limitFiles(l: Layout, cid: string): string[] {
  if (l === 'v2') return ['memory.max', 'pids.max', 'cpu.weight'].map((f) => `/sys/fs/cgroup/${cid}/${f}`);
  return [`memory/${cid}/memory.limit_in_bytes`, `pids/${cid}/pids.max`, `cpu,cpuacct/${cid}/cpu.shares`].map((f) => `/sys/fs/cgroup/${f}`);
}

/** Shell line: step NAME printing "file value" for each limit file of the container. */
const limitsStep = (name: string, l: Layout, cid: string) =>
  `step ${name} sh -c 'for f in ${limitFiles(l, cid).join(' ')}; do echo "$f $(cat $f)"; done'`;

/** Shell line: step NAME printing each cgroup directory of the container and how many processes it holds. */
const procsStep = (name: string, l: Layout, cid: string) =>
  `step ${name} sh -c 'for d in ${cgDirs(l, cid).join(' ')}; do echo "$d $(wc -l < $d/cgroup.procs)"; done'`;

/** Shell line: step NAME printing which of the container's cgroup directories exist (on the
 * hybrid layout also its cgroup2 one, if the runtime makes one). */
const dirsStep = (name: string, l: Layout, cid: string) =>
  `step ${name} sh -c 'for d in ${[...cgDirs(l, cid), ...(l === 'hybrid' ? [`/sys/fs/cgroup/unified/${cid}`] : [])].join(' ')}; do [ -d "$d" ] && echo "$d"; done; true'`;

/** One cycle: run, checkpoint, restore under a new id from the other bundle, check, delete. */
function cycle(share: string, l: Layout, name: string, bundles: Bundles): string[] {
  const a = id(l, name), b = id(l, name, true), n = tag(l, name), mode = modeOf(name);
  const [run, restore] = name === 'cgns' ? [bundles.runNs, bundles.restoreNs] : [bundles.run, bundles.restore];
  const img = `--image-path /tmp/img-${n} --work-path /tmp/work-${n}`, cg = `--manage-cgroups-mode ${mode}`;
  return [
    piped(share, `run-${n}`, `run -d --bundle ${run} ${a}`),
    waitLines(share, `run-${n}`, 3),
    limitsStep(`limits0-${n}`, l, a),
    `step ckpt-${n} $RT checkpoint ${cg} ${img} ${a}`,
    dirsStep(`oldgone-${n}`, l, a),
    piped(share, `rst-${n}`, `restore -d ${cg} ${img} --bundle ${restore} ${b}`),
    waitLines(share, `rst-${n}`, 3),
    `step state-${n} $RT state ${b}`,
    `pid=$(sed -n 's/.*"pid": *\\([0-9]*\\).*/\\1/p' ${share}/state-${n}.out)`,
    `step procg-${n} cat /proc/$pid/cgroup`,
    limitsStep(`limits-${n}`, l, b),
    procsStep(`procs-${n}`, l, b),
    `step delete-${n} $RT delete --force ${b}`,
    dirsStep(`gone-${n}`, l, b),
    `step delete0-${n} $RT delete --force ${a}`, // only if the checkpoint failed and left it
  ];
}

/**
 * Shell lines making this boot a cgroup v1 host: cgroup2 (which no controller was enabled on)
 * unmounted, a tmpfs on /sys/fs/cgroup with the v1 hierarchies; hybrid: cgroup2 again on
 * /sys/fs/cgroup/unified. In a boot of its own: once a memory cgroup of cgroup2 has been used,
 * it lingers (dying) while charged pages pin it, and the memory controller cannot move to a v1
 * hierarchy ("cgroup already mounted", EBUSY).
 */
function toV1(hybrid: boolean): string[] {
  const mount = (h: string) => `step mount-${h.replace(',', '-')} mount -t cgroup -o ${h} cgroup /sys/fs/cgroup/${h}`;
  return [
    'step umount2 umount /sys/fs/cgroup',
    'mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup',
    ...V1.flatMap((h) => [`mkdir /sys/fs/cgroup/${h}`, mount(h)]),
    'ln -s cpu,cpuacct /sys/fs/cgroup/cpu', 'ln -s cpu,cpuacct /sys/fs/cgroup/cpuacct',
    ...(hybrid ? ['mkdir /sys/fs/cgroup/unified', 'step mount-unified mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified'] : []),
    'step v1mounts sh -c "grep -c \' cgroup \' /proc/self/mounts; grep cgroup2 /proc/self/mounts; true"',
  ];
}

/** One boot's script: the layout (v1, hybrid: made by toV1), then a cycle per mode. */
function script(share: string, l: Layout, bundles: Bundles): string {
  return steps(share, [
    'ip link set lo up', // criu's kerndat probe connects over the loopback
    ...loadModules(share, CRIU_MODULES),
    `ip netns add ${NETNS.split('/').pop()}`,
    ...(l === 'v2' ? [] : toV1(l === 'hybrid')),
    ...cycles.filter((c) => !modeSkip(modeOf(c))).flatMap((c) => cycle(share, l, c, bundles)),
    `for f in /tmp/work-*/*.log; do cp "$f" ${share}/criulog-$(basename $(dirname "$f"))-$(basename "$f"); done`,
  ]);
}

function withLimits(s: Spec, lim: Limits): void {
  s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: NETNS } : n));
  s.linux!.resources = { ...s.linux!.resources, memory: { limit: lim.memory }, pids: { limit: lim.pids }, cpu: { shares: lim.shares } };
}

/** "file value" lines -> the three values, keyed memory, pids, cpu. */
function parseLimits(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.trim().split('\n')) {
    const [file, value = ''] = line.split(' ');
    const key = /memory/.test(file) ? 'memory' : /pids/.test(file) ? 'pids' : 'cpu';
    out[key] = value;
  }
  return out;
}

const expected = (l: Layout, lim: Limits) => ({ memory: String(lim.memory), pids: String(lim.pids), cpu: String(l === 'v2' ? lim.weight : lim.shares) });

/** The cgroup of each hierarchy the container must be in, from /proc/<pid>/cgroup. */
function cgroupsOf(text: string, l: Layout): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.trim().split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (l === 'v2' ? m[1] === '' : V1.includes(m[1])) out[m[1] || 'cgroup2'] = m[2];
  }
  return out;
}

t.test('the cgroups of checkpoint and restore, in the VM', { skip: vmSkipReason() || criuSkip() }, async (t) => {
  const h = new Harness(t);
  // Two processes: the init (multitool then: waits for its child) and its child, the counter.
  // Without a cgroup namespace (the default spec has one where the host is cgroup2), and with one.
  const cgns = (s: Spec, on: boolean) => { s.linux!.namespaces = [...s.linux!.namespaces!.filter((n) => n.type !== 'cgroup'), ...(on ? [{ type: 'cgroup' as const }] : [])]; };
  const run = h.bundle(['then', 'count'], (s) => { withLimits(s, LIMITS.run); cgns(s, false); });
  // The restoring bundle: the same rootfs (criu restores the files it had open by path), other limits.
  const restore = h.bundle(['then', 'count'], (s) => { withLimits(s, LIMITS.restore); cgns(s, false); s.root = { ...s.root!, path: run.rootfs }; });
  const runNs = h.bundle(['then', 'count'], (s) => { withLimits(s, LIMITS.run); cgns(s, true); });
  const restoreNs = h.bundle(['then', 'count'], (s) => { withLimits(s, LIMITS.restore); cgns(s, true); s.root = { ...s.root!, path: runNs.rootfs }; });
  const bundles: Bundles = { run: run.dir, restore: restore.dir, runNs: runNs.dir, restoreNs: restoreNs.dir };
  const s = (n: string) => readStep(h.dir, n);
  const out = (n: string) => ({ text: readStep(h.dir, n, 'out'), rc: readStep(h.dir, n, 'rc').trim() });
  const criuLog = (n: string, op: string) => {
    const lines = readStep(h.dir, `criulog-work-${n}-${op}`, 'log').split('\n');
    const i = lines.findIndex((x) => /Error \(/.test(x));
    return i < 0 ? '' : lines.slice(Math.max(0, i - 20), i + 3).join('\n');
  };

  for (const l of LAYOUTS) {
    t.test(`cgroup ${l}`, async (t) => {
      const vm = runInVm(h.dir, script(h.dir, l, bundles), { timeoutMs: 900_000 });
      t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
      if (process.env.RUNTS_CGCR_KEEP) cpSync(h.dir, join(process.env.RUNTS_CGCR_KEEP, l), { recursive: true }); // the steps' files and criu's logs
      if (l !== 'v2') {
        t.equal(s('umount2').rc, 0, `cgroup2 unmounted: ${s('umount2').err}`);
        for (const h1 of V1) t.equal(s(`mount-${h1.replace(',', '-')}`).rc, 0, `v1 hierarchy ${h1} mounted: ${s(`mount-${h1.replace(',', '-')}`).err}`);
        const [count, v2 = ''] = s('v1mounts').out.split('\n');
        t.equal(count, String(V1.length), `${V1.length} v1 hierarchies (${s('v1mounts').out.trim()})`);
        if (l === 'v1') t.equal(v2, '', 'no cgroup2: a v1 host');
        else t.match(v2, / \/sys\/fs\/cgroup\/unified cgroup2 /, `cgroup2 on /sys/fs/cgroup/unified: the hybrid layout (${s('mount-unified').err})`);
      }
      for (const name of CYCLES) {
        const n = tag(l, name), b = id(l, name, true), mode = modeOf(name), rm = restoreMode(mode);
        const title = name === 'cgns' ? 'a cgroup namespace (soft)' : `--manage-cgroups-mode ${mode}`;
        t.test(title, { skip: modeSkip(mode) || (!cycles.includes(name) && 'not chosen by RUNTS_CGCR_ONLY') }, async (t) => {
          t.ok(numbers(out(`run-${n}`).text).length >= 3, `the counter ran: ${out(`run-${n}`).text.slice(0, 300)}`);
          t.same(parseLimits(s(`limits0-${n}`).out), expected(l, LIMITS.run), `the run's limits: ${s(`limits0-${n}`).out}${s(`limits0-${n}`).err}`);
          t.equal(s(`ckpt-${n}`).rc, 0, `checkpoint: ${s(`ckpt-${n}`).err}\n${criuLog(n, 'dump')}`);
          t.equal(s(`oldgone-${n}`).out, '', 'the checkpointed container\'s cgroups are removed');
          if (rm === 'strict') {
            // criu's strict mode wants to make every cgroup itself; the container's exist (made and
            // limited before criu runs, as runc 1.2 makes them): criu refuses, nothing is left.
            t.not(out(`rst-${n}`).rc, '0', 'strict: the restore fails');
            t.match(out(`rst-${n}`).text, /Abort restore of existing cgroups/, 'with criu\'s reason');
            t.equal(s(`state-${n}`).rc, 1, 'no container is left');
            t.equal(s(`gone-${n}`).out, '', 'nor its cgroups');
            return;
          }
          t.equal(out(`rst-${n}`).rc, '0', `restore under a new id: ${out(`rst-${n}`).text.slice(0, 500)}\n${criuLog(n, 'restore')}`);
          const counted = numbers(out(`rst-${n}`).text);
          t.ok(counted.length >= 3, `the restored counter goes on (${counted.slice(0, 3).join(',')}..)`);
          t.match(s(`state-${n}`).out, /"status": "running"/, 'running under the new id');
          const noRoot = NAME === 'runc' && l === 'v2' && 'runc 1.1.5 gives criu no cgroup root on cgroup2 (its criuApplyCgroups returns before them there; runc 1.2 passes them): criu restores the processes into the checkpointed container\'s cgroup, which it makes again';
          const cgs = cgroupsOf(s(`procg-${n}`).out, l), want = l === 'v2' ? ['cgroup2'] : V1;
          t.same(Object.keys(cgs).sort(), [...want].sort(), `/proc/<pid>/cgroup names every hierarchy: ${s(`procg-${n}`).out}${s(`procg-${n}`).err}`);
          for (const [k, p] of Object.entries(cgs)) t.equal(p, `/${b}`, `the restored init is in the new container's ${k} cgroup`, { skip: noRoot });
          const procs = s(`procs-${n}`).out.trim().split('\n').map((x) => x.split(' '));
          // (With ignore criu leaves the processes in its own cgroups: the runtime puts criu in the
          // container's before the restore, as runc's criuApplyCgroups.)
          t.same(procs.map(([d, k]) => `${d} ${k}`), cgDirs(l, b).map((d) => `${d} 2`), `both processes (the init and its child) in each of its cgroups: ${s(`procs-${n}`).err}`, { skip: noRoot });
          // full: criu writes the properties it dumped over the new cgroup: v1's memory, pids and
          // cpu limits are the checkpointed container's (criu dumps none of cgroup2's limits).
          const lim = rm === 'full' && l !== 'v2' ? LIMITS.run : LIMITS.restore;
          t.same(parseLimits(s(`limits-${n}`).out), expected(l, lim), `the ${lim === LIMITS.run ? 'checkpointed container\'s' : 'restoring config\'s'} limits: ${s(`limits-${n}`).out}${s(`limits-${n}`).err}`);
          t.equal(s(`delete-${n}`).rc, 0, `delete: ${s(`delete-${n}`).err}`);
          t.equal(s(`gone-${n}`).out, '', 'delete removes the restored container\'s cgroups');
        });
      }
    });
  }
});
