// The integration files on cgroups and on pause/ps/kill/update/events, run by tap inside the test
// VM booted with systemd as PID 1 on a pure cgroup v2 hierarchy (a host like the users'), once
// with the cgroupfs driver and once with --systemd-cgroup (CGROUP_DRIVER; see test/vm/tap-in-vm.ts).
// One boot for all. RUNTIME=runc runs them against runc, as on the host. Under qemu's translator
// each file takes 1.5-4 min per driver (test/README.md): lifecycle, exec and hooks are
// left to VM_FILES="test/integration/lifecycle.test.ts ...", which runs those files instead.
import t from 'tap';
import { vmTapFilesBothDrivers } from '../vm/tap-in-vm.js';
import { systemdVmSkipReason } from '../vm/vm.js';

const FILES = [
  'test/integration/cgroups-resources.test.ts',
  'test/integration/ops-pause-ps-kill.test.ts',
  'test/integration/ops-update-events.test.ts',
];
const TIMEOUT = 30 * 60_000;
t.setTimeout(TIMEOUT + 60_000);

t.test('integration files in the systemd VM (cgroup v2), cgroupfs and systemd drivers', { skip: systemdVmSkipReason() }, async (t) => {
  vmTapFilesBothDrivers(t, FILES, { cgroup: 'v2' }, TIMEOUT);
});
