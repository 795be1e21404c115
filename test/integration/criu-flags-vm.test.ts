// checkpoint's criu flags, in the test VM (test/vm; criu-vm.test.ts says why there): one busybox
// boot runs every section with the runtime under test (runts, or runc with RUNTIME=runc), each
// asserting on what the container prints (test/prog/multitool.c):
// - tcp: --tcp-established, a loopback TCP connection between the container's two processes
//   (tcp-pair echoes a count): refused without the flag, after a restore the echo goes on;
// - unix: --ext-unix-sk, a datagram socket connected to a receiver outside the container (in a
//   bind-mounted dir; in the container's network namespace, where criu looks for a socket's peer):
//   refused without the flag, after a restore the receiver gets the count on;
// - lock: --file-locks, a write lock the container holds on a bind-mounted file: refused without
//   the flag, free while checkpointed, held by the restored init after the restore;
// - pages: --page-server, the pages go to a `criu page-server`, the rest to the image dir;
//   the two put together are restored; a --page-server without ADDRESS: is refused;
// - lazy: --lazy-pages with --page-server and --status-fd as runc's checkpoint.bats: the status fd
//   gets \0 once the dump serves its pages, a `criu lazy-pages` daemon pulls them for a restore
//   --lazy-pages under a new id; the checkpoint ends once every page went, the count goes on; a
//   --status-fd that is not open is refused;
// - dedup: --auto-dedup, a dump over a pre-dump punches the pages it re-dumped out of the parent
//   image, a restore --auto-dedup punches what it read out of the image;
// - emptyns: a container with a network namespace of its own (not a path), its lo set up from
//   outside: checkpointed and restored with --empty-ns network, then without it (runc always passes
//   criu empty_ns=net): the restored init has a new network namespace, empty (its lo is down).
// The other containers join a network namespace by path (criu's external one, as in criu-vm). A
// step filter for development: CKFLAGS_SECTIONS=tcp,lock (the names above).
import t, { type Test } from 'tap';
import { Harness, ID_PREFIX, IS_RUNC, MULTITOOL } from '../lib/runtime.js';
import type { Spec } from '../../src/spec/types.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { CRIU_MODULES, criuSkip, loadModules } from '../vm/criu.js';
import { numbers, piped, waitLines } from '../vm/criu-shell.js';
import { runInVm, vmSkipReason } from '../vm/vm.js';

const NETNS = '/run/netns/rtst-ckflags';
/**
 * A directory of the VM bind-mounted at the same path in the containers that talk to the outside
 * (criu reconnects a socket to its external peer by the name the peer has outside).
 */
const EXT = '/tmp/ckflags-ext';
const SECTIONS = ['tcp', 'unix', 'lock', 'pages', 'lazy', 'dedup', 'emptyns'] as const;
type Section = typeof SECTIONS[number];
const wanted = (process.env.CKFLAGS_SECTIONS?.split(',') ?? SECTIONS) as Section[];

const id = (n: string) => `${ID_PREFIX}ckf-${n}`;
const img = (n: string) => `--image-path /tmp/img-${n} --work-path /tmp/work-${n}`;

/** Shell line: waits until FILE is there (or 60 s). */
const waitFile = (test: string, file: string) => `for i in $(seq 600); do [ ${test} ${file} ] && break; sleep 0.1; done`;

/** Shell lines: a container NAME run from BUNDLE, once it has printed N lines. */
const started = (share: string, name: string, bundle: string, n = 5) =>
  [piped(share, `run-${name}`, `run -d --bundle ${bundle} ${id(name)}`), waitLines(share, `run-${name}`, n)];

/** Shell lines: restore -d of NAME's image with FLAGS as NEW (default NAME), once it has printed 5 lines. */
const restored = (share: string, name: string, bundle: string, flags: string, as = name) =>
  [piped(share, `rst-${as}`, `restore -d ${flags} --bundle ${bundle} ${id(as)}`), waitLines(share, `rst-${as}`, 5)];

/** Shell line: the pid of container NAME as P (from its state). */
const pidOf = (name: string) => `P=$($RT state ${id(name)} | grep '"pid"' | tr -dc 0-9)`;

/** Shell lines: a container NAME with a network namespace of its own, its lo set up from outside, checkpointed and restored with FLAGS. */
const ownNet = (share: string, bundle: string, name: string, flags: string) => [
  ...started(share, name, bundle),
  pidOf(name), 'nsenter -t $P -n ip link set lo up', `step ${name}-lo0 nsenter -t $P -n ip -o link show lo`,
  `step ${name}-ckpt $RT checkpoint ${flags} ${img(name)} ${id(name)}`,
  ...restored(share, name, bundle, `${flags} ${img(name)}`),
  pidOf(name), `step ${name}-net readlink /proc/$P/ns/net`, `step ${name}-lo nsenter -t $P -n ip -o link show lo`,
  `step ${name}-delete $RT delete --force ${id(name)}`,
];

type Bundles = Record<'count' | 'tcp' | 'unix' | 'lock' | 'ownnet', string>;

function sections(share: string, b: Bundles): Record<Section, string[]> {
  return {
    tcp: [
      `ip netns exec ${NETNS.split('/').pop()} ip link set lo up`,
      ...started(share, 'tcp', b.tcp),
      `step tcp-noflag $RT checkpoint ${img('tcp0')} ${id('tcp')}`,
      `step tcp-running $RT state ${id('tcp')}`,
      `step tcp-ckpt $RT checkpoint --tcp-established ${img('tcp')} ${id('tcp')}`,
      ...restored(share, 'tcp', b.tcp, `--tcp-established ${img('tcp')}`),
      `step tcp-delete $RT delete --force ${id('tcp')}`,
    ],
    unix: [
      // in the container's network namespace: criu finds a unix socket's peer among that namespace's sockets
      `ip netns exec ${NETNS.split('/').pop()} ${MULTITOOL} unix-recv ${EXT}/sock > ${share}/recv.out 2>&1 & RECV=$!`,
      waitFile('-S', `${EXT}/sock`),
      ...started(share, 'unix', b.unix),
      `step unix-noflag $RT checkpoint ${img('unix0')} ${id('unix')}`,
      `step unix-ckpt $RT checkpoint --ext-unix-sk ${img('unix')} ${id('unix')}`,
      ...restored(share, 'unix', b.unix, `--ext-unix-sk ${img('unix')}`),
      `step unix-delete $RT delete --force ${id('unix')}`,
      'sleep 0.3; kill $RECV',
    ],
    lock: [
      ...started(share, 'lock', b.lock),
      `step lock-noflag $RT checkpoint ${img('lock0')} ${id('lock')}`,
      `step lock-ckpt $RT checkpoint --file-locks ${img('lock')} ${id('lock')}`,
      `step lock-free ${MULTITOOL} lockcheck ${EXT}/lockfile`,
      ...restored(share, 'lock', b.lock, `--file-locks ${img('lock')}`),
      pidOf('lock'), `echo $P > ${share}/lock-pid.out`,
      `step lock-held ${MULTITOOL} lockcheck ${EXT}/lockfile`,
      `step lock-delete $RT delete --force ${id('lock')}`,
    ],
    pages: [
      ...started(share, 'pages', b.count),
      `step pages-bad $RT checkpoint --page-server 27270 ${img('pages0')} ${id('pages')}`,
      'mkdir -p /tmp/img-pagesrv',
      // -d: criu returns once the page server listens; it serves one dump and exits
      'step pages-server criu page-server -d --images-dir /tmp/img-pagesrv --port 27270 -o pagesrv.log -v4',
      `step pages-ckpt $RT checkpoint --page-server 127.0.0.1:27270 ${img('pages')} ${id('pages')}`,
      'step pages-local ls /tmp/img-pages',
      'step pages-remote ls /tmp/img-pagesrv',
      'cp /tmp/img-pagesrv/pagemap-*.img /tmp/img-pagesrv/pages-*.img /tmp/img-pages/',
      ...restored(share, 'pages', b.count, img('pages')),
      `step pages-delete $RT delete --force ${id('pages')}`,
    ],
    lazy: [
      'step lazy-feature criu check --feature uffd-noncoop',
      ...started(share, 'lazy', b.count),
      `step lazy-badfd $RT checkpoint --lazy-pages --status-fd 9 ${img('lazy0')} ${id('lazy')}`,
      'mkfifo /tmp/lazy-status',
      `( $RT checkpoint --lazy-pages --page-server 0.0.0.0:27271 --status-fd 5 ${img('lazy')} ${id('lazy')} ` +
        `5>/tmp/lazy-status >${share}/lazy-ckpt.out 2>${share}/lazy-ckpt.err; echo $? > ${share}/lazy-ckpt.rc ) &`,
      // \0 once criu serves the pages; nothing (end of file) if the checkpoint failed first
      'step lazy-status sh -c "dd if=/tmp/lazy-status bs=1 count=1 2>/dev/null | od -An -tx1"',
      'step lazy-inventory ls /tmp/img-lazy/inventory.img',
      `( criu lazy-pages --page-server --address 127.0.0.1 --port 27271 --images-dir /tmp/img-lazy --work-dir /tmp/img-lazy -o lazy-daemon.log -v4 ` +
        `>${share}/lazy-daemon.out 2>&1; echo $? > ${share}/lazy-daemon.rc ) &`,
      waitFile('-S', '/tmp/img-lazy/lazy-pages.socket'),
      ...restored(share, 'lazy', b.count, '--lazy-pages --image-path /tmp/img-lazy --work-path /tmp/img-lazy', 'lazy-r'),
      waitFile('-s', `${share}/lazy-ckpt.rc`), waitFile('-s', `${share}/lazy-daemon.rc`),
      `step lazy-gone $RT state ${id('lazy')}`,
      `step lazy-state $RT state ${id('lazy-r')}`,
      `step lazy-delete $RT delete --force ${id('lazy-r')}`,
    ],
    dedup: [
      ...started(share, 'dedup', b.count),
      `step dedup-pre $RT checkpoint --pre-dump ${img('dedup0')} ${id('dedup')}`,
      'step dedup-size0 du -k /tmp/img-dedup0/pages-1.img',
      `step dedup-ckpt $RT checkpoint --auto-dedup --parent-path ../img-dedup0 ${img('dedup')} ${id('dedup')}`,
      'step dedup-size1 du -k /tmp/img-dedup0/pages-1.img',
      'step dedup-image0 du -k /tmp/img-dedup/pages-1.img',
      ...restored(share, 'dedup', b.count, `--auto-dedup ${img('dedup')}`),
      'step dedup-image1 du -k /tmp/img-dedup/pages-1.img',
      `step dedup-delete $RT delete --force ${id('dedup')}`,
    ],
    emptyns: [...ownNet(share, b.ownnet, 'emptyns', '--empty-ns network'), 'step vm-net readlink /proc/self/ns/net', ...ownNet(share, b.ownnet, 'ownnet', '')],
  };
}

function script(share: string, b: Bundles): string {
  const all = sections(share, b);
  return steps(share, [
    'step criuversion criu --version',
    // criu's kernel probe (kerndat: TCP repair) connects over the loopback, which the VM leaves down
    'ip link set lo up',
    ...loadModules(share, CRIU_MODULES),
    `step netns ip netns add ${NETNS.split('/').pop()}`,
    `mkdir -p ${EXT}`,
    ...wanted.flatMap((s) => all[s]),
    // criu's logs, for the failures' messages
    `for f in /tmp/work-*/*.log /tmp/img-lazy/*.log /tmp/img-pagesrv/*.log; do [ ! -f "$f" ] || cp "$f" ${share}/criulog-$(basename $(dirname "$f"))-$(basename "$f"); done`,
  ]);
}

const externalNet = (s: Spec) => {
  s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: NETNS } : n));
};

/** What a section's assertions read: the steps, the piped runs and restores, criu's logs. */
class Checks {
  constructor(public t: Test, readonly dir: string) {}
  s(n: string) { return readStep(this.dir, n); }
  piped(n: string) { return { out: readStep(this.dir, n, 'out'), rc: readStep(this.dir, n, 'rc').trim() }; }
  /** The lines of criu's log around its first error. */
  criuLog(n: string, op = 'dump') {
    const lines = readStep(this.dir, `criulog-work-${n}-${op}`, 'log').split('\n');
    const i = lines.findIndex((l) => /Error \(/.test(l));
    return i < 0 ? '' : lines.slice(Math.max(0, i - 20), i + 3).join('\n');
  }
  ok(step: string, what: string, op = 'dump', n = step.split('-')[0]) {
    this.t.equal(this.s(step).rc, 0, `${what}: ${this.s(step).err}\n${this.criuLog(n, op)}`);
  }
  /** The count of run-NAME goes on, consecutive, in rst-AS after the restore. */
  goesOn(name: string, as = name) {
    const b = numbers(this.piped(`run-${name}`).out), a = numbers(this.piped(`rst-${as}`).out), t = this.t;
    t.equal(this.piped(`rst-${as}`).rc, '0', `restore -d: ${this.piped(`rst-${as}`).out.slice(0, 400)}\n${this.criuLog(as, 'restore')}`);
    t.ok(b.length >= 5, `counted before (${b.length} lines: ${this.piped(`run-${name}`).out.slice(0, 200)})`);
    t.ok(a.length >= 5 && a[0] >= Math.max(...b), `the count goes on after the restore (before: ..${b.slice(-2).join(',')}; after: ${a.slice(0, 3).join(',')}..)`);
    t.same(a, a.map((_, i) => a[0] + i), 'consecutive after the restore');
    return a;
  }
  /** A checkpoint without the flag fails, runts' with criu's error naming it (runc 1.1.5 says "criu failed: type NOTIFY errno 0"). */
  refused(step: string, flag: string) {
    this.t.equal(this.s(step).rc, 1, `without ${flag} the checkpoint fails`);
    this.t.match(this.s(step).err, IS_RUNC ? /criu failed/ : new RegExp(`^runts: checkpoint failed: criu: .*--${flag}.*\n$`), `and says so: ${this.s(step).err.trim()}`);
  }
}

const checks: Record<Section, (c: Checks) => void> = {
  tcp: (c) => {
    c.refused('tcp-noflag', 'tcp-established');
    c.t.match(c.s('tcp-running').out, /"status": "running"/, 'a failed checkpoint leaves the container running');
    c.ok('tcp-ckpt', 'checkpoint --tcp-established');
    c.goesOn('tcp');
    c.t.equal(c.s('tcp-delete').rc, 0, `delete: ${c.s('tcp-delete').err}`);
  },
  unix: (c) => {
    c.refused('unix-noflag', 'ext-unix-sk');
    c.ok('unix-ckpt', 'checkpoint --ext-unix-sk');
    const after = c.goesOn('unix');
    c.t.notMatch(c.piped('rst-unix').out, /send errno/, 'every send after the restore went');
    const got = numbers(readStep(c.dir, 'recv', 'out'));
    c.t.ok(after.length > 0 && after.every((n) => got.includes(n)), `the receiver outside got the restored container's datagrams (${after.slice(0, 3).join(',')}.. in ..${got.slice(-5).join(',')})`);
  },
  lock: (c) => {
    c.refused('lock-noflag', 'file-locks');
    c.ok('lock-ckpt', 'checkpoint --file-locks');
    c.t.equal(c.s('lock-free').out.trim(), 'free', 'the lock is free while the container is checkpointed');
    c.goesOn('lock');
    const pid = readStep(c.dir, 'lock-pid', 'out').trim();
    c.t.equal(c.s('lock-held').out.trim(), `held ${pid}`, 'the restored init holds the lock again');
  },
  pages: (c) => {
    c.t.equal(c.s('pages-bad').rc, 1, '--page-server without an address is refused');
    c.t.match(c.s('pages-bad').err, /--page-server/, `and said so: ${c.s('pages-bad').err.trim()}`);
    c.t.equal(c.s('pages-server').rc, 0, `criu page-server: ${c.s('pages-server').err}`);
    c.ok('pages-ckpt', 'checkpoint --page-server');
    c.t.notMatch(c.s('pages-local').out, /pages-\d+\.img/, `no pages in the image dir (${c.s('pages-local').out.split('\n').length} files)`);
    c.t.match(c.s('pages-remote').out, /pages-\d+\.img/, `the page server has them: ${c.s('pages-remote').out.replace(/\n/g, ' ')}`);
    c.goesOn('pages');
  },
  lazy: (c) => {
    c.t.equal(c.s('lazy-badfd').rc, 1, 'a --status-fd that is not open is refused');
    c.t.match(c.s('lazy-badfd').err, /invalid --status-fd argument 9/, `and said so: ${c.s('lazy-badfd').err.trim()}`);
    const ckpt = { rc: readStep(c.dir, 'lazy-ckpt', 'rc').trim(), err: readStep(c.dir, 'lazy-ckpt', 'err') };
    c.t.equal(c.s('lazy-status').out.trim(), '00', `the status fd got \\0 (${JSON.stringify(c.s('lazy-status').out)}; checkpoint: ${ckpt.rc} ${ckpt.err}\n${c.criuLog('lazy')})`);
    c.t.equal(c.s('lazy-inventory').rc, 0, 'the image\'s inventory is there before the pages went');
    c.goesOn('lazy', 'lazy-r');
    c.t.equal(ckpt.rc, '0', `the checkpoint ends once the pages went: ${ckpt.err}\n${c.criuLog('lazy')}`);
    c.t.equal(readStep(c.dir, 'lazy-daemon', 'rc').trim(), '0', `criu lazy-pages ends: ${readStep(c.dir, 'lazy-daemon', 'out')}`);
    c.t.equal(c.s('lazy-gone').rc, 1, 'the checkpointed container is gone');
    c.t.match(c.s('lazy-state').out, /"status": "running"/, 'the restored one runs');
  },
  dedup: (c) => {
    const kb = (n: string) => Number(c.s(n).out.split(/\s/)[0]);
    c.ok('dedup-pre', 'checkpoint --pre-dump', 'pre-dump', 'dedup0');
    c.ok('dedup-ckpt', 'checkpoint --auto-dedup --parent-path');
    c.t.ok(kb('dedup-size1') < kb('dedup-size0'), `the dump punched what it re-dumped out of the parent's pages (${kb('dedup-size0')} KiB -> ${kb('dedup-size1')} KiB)`);
    c.goesOn('dedup');
    c.t.ok(kb('dedup-image1') < kb('dedup-image0'), `restore --auto-dedup punched what it read out of the image (${kb('dedup-image0')} KiB -> ${kb('dedup-image1')} KiB)`);
  },
  emptyns: (c) => {
    for (const [name, flags] of [['emptyns', '--empty-ns network'], ['ownnet', 'no --empty-ns (runc\'s criu empty_ns always has the network)']]) {
      c.t.match(c.s(`${name}-lo0`).out, /<LOOPBACK,UP/, `${flags}: lo set up before the checkpoint: ${c.s(`${name}-lo0`).err}`);
      c.ok(`${name}-ckpt`, `checkpoint, ${flags}`);
      c.goesOn(name);
      c.t.match(c.s(`${name}-net`).out, /^net:\[\d+\]/, `${flags}: the restored init has a network namespace: ${c.s(`${name}-net`).err}`);
      c.t.not(c.s(`${name}-net`).out.trim(), c.s('vm-net').out.trim(), `${flags}: its own, not the VM's`);
      c.t.match(c.s(`${name}-lo`).out, /<LOOPBACK>/, `${flags}: an empty one, criu restored nothing of it (lo is down): ${c.s(`${name}-lo`).out}${c.s(`${name}-lo`).err}`);
    }
  },
};

t.test('checkpoint\'s criu flags, in the VM', { skip: vmSkipReason() || criuSkip() }, async (t) => {
  const h = new Harness(t);
  const ext = (args: string[]) => h.bundle(args, (s) => {
    externalNet(s);
    s.mounts!.push({ destination: EXT, type: 'bind', source: EXT, options: ['rbind', 'rw'] });
  }).dir;
  const b: Bundles = {
    count: h.bundle(['count'], externalNet).dir, tcp: h.bundle(['tcp-pair'], externalNet).dir,
    unix: ext(['unix-send', `${EXT}/sock`]), lock: ext(['lock', `${EXT}/lockfile`]), ownnet: h.bundle(['count']).dir,
  };
  const vm = runInVm(h.dir, script(h.dir, b), { timeoutMs: 1_200_000 });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  t.comment(readStep(h.dir, 'criuversion').out.trim());
  t.comment(`insmod: ${readStep(h.dir, 'insmod', 'err').trim()}`);
  const c = new Checks(t, h.dir);
  const lazy = readStep(h.dir, 'lazy-feature');
  const skip = (s: Section) => (s === 'lazy' && lazy.rc !== 0 ? `criu's lazy pages need userfaultfd (criu check --feature uffd-noncoop: ${lazy.out.trim()} ${lazy.err.trim()})` : false);
  for (const s of wanted) t.test(s, { skip: skip(s) }, async (t) => { c.t = t; checks[s](c); });
});
