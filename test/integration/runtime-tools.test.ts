// Behaviours the runtime-tools validation suite checks (conformance/runtime-tools.md), each
// shown here from inside or beside a real container: a fifo in linux.devices, the state the
// create-phase hooks read on stdin, the order of v1 devices cgroup rules.
import t from 'tap';
import { Harness, skipUnlessRoot } from '../lib/runtime.js';

t.test('a fifo in linux.devices ignores the major and minor it is given', { skip: skipUnlessRoot }, async (t) => {
  const h = new Harness(t);
  const r = h.run(h.bundle(['stat', '/dev/fifo'], (s) => {
    s.linux!.devices = [{ path: '/dev/fifo', type: 'p', major: 8, minor: 666, fileMode: 0o660 }];
  }));
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.trim(), 'p 660 0 0 0:0', 'a fifo, mode 0660, no device numbers');
});
