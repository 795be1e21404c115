// linux.netDevices (runc 1.4): a dummy interface the test makes on the host is moved into the
// container's network namespace under its new name, up, with its permanent global address; the
// host no longer has it. Nothing moves it back (the spec forbids it): with the container's own
// namespace, the kernel destroys a virtual device with it; in a namespace joined by path it
// stays there. Bad names and devices fail with one line and leave nothing.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { nothingLeft, oneError } from '../lib/nothing-left.js';
import { run as hostRun } from '../lib/host.js';
import { BIN, Harness, IS_RUNC, seq, skipUnlessRoot } from '../lib/runtime.js';
import type { Spec } from '../../src/spec/types.js';

const OLD_RUNC = IS_RUNC && /runc version 1\.[0-3]\./.test(spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout);
const skip = skipUnlessRoot || (OLD_RUNC && 'runc before 1.4.0 lacks linux.netDevices (it ignores the field)');
const DEV = 'rtst-dummy0', PEER = 'rtst-peer0', ADDR = '192.0.2.10';

const ip = (...args: string[]) => hostRun(['ip', ...args]);
const hostHas = (dev: string) => ip('link', 'show', 'dev', dev).status === 0;

/** A dummy interface on the host with a permanent global address (a veth pair where the kernel
 * has no dummy driver, as on the firecracker hosts: its peer goes when it goes); removed at
 * teardown if left. */
function dummy(t: Test): void {
  if (ip('link', 'add', DEV, 'type', 'dummy').status !== 0) {
    t.equal(ip('link', 'add', DEV, 'type', 'veth', 'peer', 'name', PEER).status, 0, `no dummy driver: ip link add ${DEV} type veth`);
  }
  t.equal(ip('addr', 'add', `${ADDR}/24`, 'dev', DEV).status, 0, 'with an address');
  t.teardown(() => { for (const d of [DEV, PEER]) if (hostHas(d)) ip('link', 'del', d); });
}

const netDevices = (devs: Record<string, { name?: string }>) => (s: Spec) => { s.linux!.netDevices = devs; };
const SEES = seq(['ls', '/sys/class/net'], ['cat', '/sys/class/net/ctr0/flags'], ['cat', '/proc/net/fib_trie']);

t.test('a host interface is moved in under its new name, up, with its address; gone with the container', { skip }, async (t) => {
  const h = new Harness(t);
  dummy(t);
  const r = h.run(h.bundle(SEES, netDevices({ [DEV]: { name: 'ctr0' } })));
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n'), at = lines.findIndex((l) => /^0x[0-9a-f]+$/.test(l));
  const names = lines.slice(0, at).join(' '), flags = lines[at];
  t.match(names, /\bctr0\b/, `seen inside as ctr0: ${names}`);
  t.notMatch(names, DEV, 'not under its host name');
  t.ok(Number(flags) & 1, `up (flags ${flags})`);
  t.match(r.stdout, new RegExp(`${ADDR.replace(/\./g, '\\.')}\\s*\\n\\s*/32 host LOCAL`), 'its address came along');
  t.notOk(hostHas(DEV), 'the host no longer has it (the kernel destroyed the virtual device with the namespace)');
  t.notOk(hostHas('ctr0'), 'nor under its new name');
  t.notOk(hostHas(PEER), 'nor a veth peer');
});

t.test('a new name with %d: the kernel picks the number', { skip }, async (t) => {
  const h = new Harness(t);
  dummy(t);
  const r = h.run(h.bundle(['ls', '/sys/class/net'], netDevices({ [DEV]: { name: 'ctr%d' } })));
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^ctr0$/m, `seen inside as ctr0: ${r.stdout.trim().split('\n').join(' ')}`);
});

t.test('in a namespace joined by path the interface stays after delete', { skip }, async (t) => {
  const h = new Harness(t);
  dummy(t);
  const ns = `rtst-ns-${process.pid}`;
  t.equal(ip('netns', 'add', ns).status, 0, `ip netns add ${ns}`);
  t.teardown(() => ip('netns', 'del', ns));
  const b = h.bundle(['hold'], (s) => {
    s.linux!.netDevices = { [DEV]: {} };
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: `/var/run/netns/${ns}` } : n));
  });
  const id = h.id();
  t.equal(h.rt(['run', '-d', '--bundle', b.dir, id]).status, 0, 'run -d');
  t.notOk(hostHas(DEV), 'moved off the host');
  t.equal(h.rt(['delete', '--force', id]).status, 0, 'delete --force');
  t.equal(ip('-n', ns, 'link', 'show', 'dev', DEV).status, 0, 'still in the namespace after delete');
  t.equal(ip('-n', ns, 'link', 'del', DEV).status, 0, 'removed by the test');
});

t.test('bad netDevices: one line, nothing left', { skip }, async (t) => {
  const cases: [string, (s: Spec) => void, RegExp][] = [
    ['a device the host lacks', netDevices({ 'rtst-none0': {} }), /rtst-none0/],
    ['an invalid new name', netDevices({ lo: { name: 'a/b' } }), /invalid network device name "a\/b"/],
    ['no network namespace', (s) => { netDevices({ lo: {} })(s); s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'network'); },
      /unable to move network devices without a NET namespace/],
  ];
  for (const [what, edit, msg] of cases) {
    const h = new Harness(t), id = h.id();
    t.match(oneError(t, h.run(h.bundle(['true'], edit), id), what), msg, what);
    nothingLeft(t, h, id);
  }
});

t.test('features: netDevices enabled', { skip }, async (t) => {
  const h = new Harness(t);
  const r = h.rt(['features']);
  t.equal(r.status, 0, r.stderr);
  t.same(JSON.parse(r.stdout).linux?.netDevices, { enabled: true });
});
