// The integration files that touch cgroups, the lifecycle, exec, pause/ps/update/events and hooks,
// run by tap inside the test VM booted with systemd as PID 1 on a pure cgroup v2 hierarchy (a host
// like the users'), once with the cgroupfs driver and once with --systemd-cgroup (CGROUP_DRIVER;
// see test/vm/tap-in-vm.ts). One boot for all. RUNTIME=runc runs them against runc, as on the host.
// VM_FILES="test/integration/x.test.ts ..." runs other files instead.
import t from 'tap';
import { vmTapFilesBothDrivers } from '../vm/tap-in-vm.js';
import { systemdVmSkipReason } from '../vm/vm.js';

const FILES = [
  'test/integration/cgroups-resources.test.ts',
  'test/integration/ops-pause-ps-kill.test.ts',
  'test/integration/ops-update-events.test.ts',
  'test/integration/lifecycle.test.ts',
  'test/integration/exec.test.ts',
  'test/integration/hooks.test.ts',
];
const TIMEOUT = 40 * 60_000;
t.setTimeout(TIMEOUT + 60_000);

t.test('integration files in the systemd VM (cgroup v2), cgroupfs and systemd drivers', { skip: systemdVmSkipReason() }, async (t) => {
  vmTapFilesBothDrivers(t, FILES, { cgroup: 'v2' }, TIMEOUT);
});
