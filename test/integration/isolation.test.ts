// Isolation seen from inside, through the command line (issue 3): masked and read-only paths,
// sysctl accepted and refused, recursive read-only mounts.
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, seq, skipUnlessRoot } from '../lib/runtime.js';
import { run as hostRun } from '../lib/host.js';

t.test('masked paths: files read as /dev/null, directories are empty and read-only', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  // (This kernel has no /proc/kcore or /sys/firmware: /proc/timer_list and /proc/acpi stand in.)
  const b = h.bundle(seq(['stat', '/proc/timer_list'], ['cat', '/proc/timer_list'], ['ls', '/proc/acpi'], ['write', '/proc/acpi/x', 'y'],
    ['cat', '/proc/version']), (s) => { s.linux!.maskedPaths = ['/proc/timer_list', '/proc/acpi']; s.linux!.readonlyPaths = []; });
  const r = h.run(b);
  t.equal(r.status, 0, r.stderr);
  const out = r.stdout.split('\n');
  t.equal(out[0], 'c 666 0 0 1:3', '/proc/timer_list is /dev/null');
  t.equal(out[1], 'errno EROFS', '/proc/acpi is an empty read-only directory (nothing listed, write refused)');
  t.match(out[2], /^Linux version/, 'an unmasked file still reads');
});

t.test('readonly paths: writes fail, reads work', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(seq(['write', '/proc/sys/kernel/domainname', 'x'], ['cat', '/proc/sys/kernel/ostype']),
    (s) => { s.linux!.readonlyPaths = ['/proc/sys']; });
  const r = h.run(b);
  t.equal(r.status, 0, r.stderr);
  t.same(r.stdout.split('\n').slice(0, 2), ['errno EROFS', 'Linux']);
});

t.test('sysctl: namespaced keys of namespaces the container has are set', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const b = h.bundle(seq(['cat', '/proc/sys/net/ipv4/ip_forward'], ['cat', '/proc/sys/kernel/msgmax'], ['cat', '/proc/sys/kernel/domainname']), (s) => {
    s.linux!.sysctl = { 'net.ipv4.ip_forward': '1', 'kernel.msgmax': '4242', 'kernel.domainname': 'rtst.example' };
  });
  const r = h.run(b);
  t.equal(r.status, 0, r.stderr);
  t.same(r.stdout.split('\n').slice(0, 3), ['1', '4242', 'rtst.example']);
});

t.test('sysctl: keys of namespaces the container shares, or not namespaced, are refused', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const cases: [string, (s: ReturnType<Harness['bundle']>['spec']) => void][] = [
    ['net.ipv4.ip_forward without a net namespace', (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'network'); s.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
    }],
    ['kernel.msgmax without an ipc namespace', (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'ipc'); s.linux!.sysctl = { 'kernel.msgmax': '4242' };
    }],
    ['vm.swappiness (not namespaced)', (s) => { s.linux!.sysctl = { 'vm.swappiness': '10' }; }],
  ];
  for (const [what, edit] of cases) {
    const id = h.id();
    const r = h.run(h.bundle(['true'], edit), id);
    t.equal(r.status, 1, `${what}: refused`);
    t.match(r.stderr, /sysctl/, `${what}: ${r.stderr.trim()}`);
    t.equal(h.state(id), undefined, 'nothing left');
  }
});

t.test('rro: a recursive read-only bind makes its submounts read-only too', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const src = join(h.dir, 'src'), sub = join(src, 'sub');
  mkdirSync(sub, { recursive: true });
  hostRun(['mount', '-t', 'tmpfs', 'tmpfs', sub]);
  try {
    writeFileSync(join(sub, 'f'), 'x');
    const b = h.bundle(seq(['write', '/mnt/f2', 'y'], ['write', '/mnt/sub/f', 'y'], ['write', '/mnt2/sub/f', 'y']), (s) => {
      s.mounts!.push({ destination: '/mnt', type: 'bind', source: src, options: ['rbind', 'rro'] },
        { destination: '/mnt2', type: 'bind', source: src, options: ['rbind', 'ro'] });
    });
    const r = h.run(b);
    t.equal(r.status, 0, r.stderr);
    t.same(r.stdout.split('\n').slice(0, 3), ['errno EROFS', 'errno EROFS', 'ok'], 'rro reaches the submount; plain ro does not');
  } finally {
    hostRun(['umount', sub]);
  }
});
