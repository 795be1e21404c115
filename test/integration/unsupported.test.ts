// Settings runts cannot apply are refused with one line, exit 1, and nothing left; never ignored.
// LSM labels on a host without the LSM fail as in runc (runc 1.1.5 fails on each too); the other
// settings runc 1.1.5 applies or ignores. Where the host has the LSM, test/integration/lsm.test.ts.
import { existsSync } from 'node:fs';
import t from 'tap';
import { apparmorEnabled, selinuxEnabled } from '../../src/linux/lsm.js';
import type { Spec } from '../../src/spec/types.js';
import { Harness, IS_RUNC, skipUnlessRoot } from '../lib/runtime.js';

const RUNC_OTHERS = IS_RUNC && 'runc 1.1.5 applies or ignores this setting';
const HAS_APPARMOR = apparmorEnabled() && 'this host has AppArmor';
const HAS_SELINUX = selinuxEnabled() && 'this host has SELinux';
// The kernel refuses the write without AppArmor; runc 1.1.5 writes /proc/self, runc 1.2+ /proc/thread-self.
const AA_REFUSED = /apparmor failed to apply profile: write \/proc\/(self|thread-self)\/attr\/exec: /;

const CASES: [string, (s: Spec) => void, RegExp, string | false][] = [
  ['process.apparmorProfile', (s) => { s.process!.apparmorProfile = 'runts-test'; }, AA_REFUSED, HAS_APPARMOR],
  ['process.selinuxLabel', (s) => { s.process!.selinuxLabel = 'system_u:system_r:container_t:s0'; }, /selinux/, HAS_SELINUX],
  ['linux.mountLabel', (s) => { s.linux!.mountLabel = 'system_u:object_r:container_file_t:s0'; }, /selinux|context/, HAS_SELINUX],
  ['linux.intelRdt', (s) => { s.linux!.intelRdt = { closID: 'runts-test' }; }, /intelRdt|Intel RDT/, RUNC_OTHERS],
];

for (const [name, edit, msg, skip] of CASES) {
  t.test(`${name} is refused, not ignored`, { skip: skipUnlessRoot || skip }, async (t) => {
    const h = new Harness(t);
    const id = h.id();
    const r = h.run(h.bundle(['true'], edit), id);
    t.equal(r.status, 1, 'run fails');
    t.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr.trim()}`);
    t.match(r.stderr, msg);
    t.equal(h.state(id), undefined, 'no container left');
  });
}

const EXEC_CASES = [
  ['--apparmor', 'runts-test', AA_REFUSED, HAS_APPARMOR],
  ['--process-label', 'system_u:system_r:container_t:s0', /selinux label is specified in config, but selinux is disabled or not supported/, HAS_SELINUX],
] as const;

for (const [flag, value, msg, skip] of EXEC_CASES) {
  t.test(`exec ${flag} without the LSM: exit 255, runc's text`, { skip: skipUnlessRoot || skip }, async (t) => {
    const h = new Harness(t);
    const id = h.id();
    t.equal(h.rt(['run', '-d', '--bundle', h.bundle(['hold']).dir, id]).status, 0, 'a running container');
    const r = h.rt(['exec', flag, value, id, '/multitool', 'true']);
    t.equal(r.status, 255, 'exit 255');
    t.match(r.stderr, msg, r.stderr.trim());
    t.equal(h.state(id)?.status, 'running', 'the container is left running');
  });
}

// runc 1.1.5: "systemd not running on this host, cannot use systemd cgroups manager"
t.test('--systemd-cgroup on a host without systemd: one clear line, nothing left', { skip: skipUnlessRoot || (existsSync('/run/systemd/system') && 'this host runs systemd (test/integration/systemd-vm.test.ts)') }, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const r = h.rt(['--systemd-cgroup', 'run', '--bundle', h.bundle(['true']).dir, id]);
  t.equal(r.status, 1, 'run fails');
  t.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr.trim()}`);
  t.match(r.stderr, IS_RUNC ? /systemd not running on this host, cannot use systemd cgroups manager/ : /systemd cgroup manager: systemd is not running/);
  t.equal(h.state(id), undefined, 'no container left');
});
