// CVE-2019-16884's point for LSM labels: a container that can mount over /proc (here: one with
// CAP_SYS_ADMIN) puts files where the runtime writes an exec'd process's label; the label must
// not silently go nowhere. runts checks that the attribute file is on procfs before writing (as
// runc does), so `exec --apparmor` fails (exit 255) instead of running the process unconfined.
// Runs on any host: the check comes before the kernel sees the label.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { Harness, IS_RUNC, seq, skipUnlessRoot, waitFor } from '../lib/runtime.js';

const FAKE = ['/proc/self', '/proc/self/attr', '/proc/self/attr/apparmor', '/proc/thread-self', '/proc/thread-self/attr',
  '/proc/thread-self/attr/apparmor'];

t.test('CVE-2019-16884: exec --apparmor into a container whose /proc is a tmpfs with fake attr files', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const id = h.id();
  const fake = seq(['mount-tmpfs', '/proc'], ...FAKE.map((d) => ['mkdir', d]),
    ...['/proc/self/attr', '/proc/thread-self/attr'].flatMap((d) => [['write', `${d}/exec`, ''], ['write', `${d}/apparmor/exec`, '']]),
    ['write', '/proc/ready', 'yes'], ['hold']);
  const b = h.bundle(fake, (s) => {
    const caps = s.process!.capabilities!;
    for (const set of ['bounding', 'effective', 'permitted'] as const) caps[set] = [...caps[set]!, 'CAP_SYS_ADMIN'];
  });
  t.equal(h.rt(['run', '-d', '--bundle', b.dir, id]).status, 0, 'the container runs');
  // seen from the host, through the init's root (runc cannot exec anything there any more)
  const marker = `/proc/${h.state(id)!.pid}/root/proc/ready`;
  waitFor('the fake /proc', () => existsSync(marker) && readFileSync(marker, 'utf8') === 'yes', 5000, 20);
  t.pass('its /proc is now a tmpfs with fake attribute files');
  const r = h.rt(['exec', '--apparmor', 'rtst-profile', id, '/multitool', 'echo', 'unconfined']);
  t.equal(r.status, 255, 'exec fails');
  t.notMatch(r.stdout, /unconfined/, 'the process never ran');
  if (!IS_RUNC) t.match(r.stderr, /apparmor failed to apply profile: \/proc\/thread-self\/attr\/(apparmor\/)?exec is not on procfs/);
});
