// The integration files on cgroups and on pause/ps/kill/update/events, run by tap inside the test
// VM booted with systemd as PID 1 on a pure cgroup v2 hierarchy (a host like the users'), once
// with the cgroupfs driver and once with --systemd-cgroup (CGROUP_DRIVER; see test/vm/tap-in-vm.ts).
// One boot for all. RUNTIME=runc runs them against runc, as on the host. Under qemu's translator
// each file takes 1.5-4.5 min per driver (test/README.md): lifecycle, exec and hooks have a boot
// of their own (systemd-vm-process-files.test.ts), which scripts/test.sh runs beside this one.
// VM_FILES="test/integration/x.test.ts ..." runs those files instead.
import t from 'tap';
import { vmFilesTest } from '../vm/tap-in-vm.js';

const FILES = [
  'test/integration/cgroups-resources.test.ts',
  'test/integration/ops-pause-ps-kill.test.ts',
  'test/integration/ops-update-events.test.ts',
];
vmFilesTest(t, 'integration files in the systemd VM (cgroup v2), cgroupfs and systemd drivers', FILES, { cgroup: 'v2' });
