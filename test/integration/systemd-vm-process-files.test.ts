// The integration files on the container's lifecycle, exec and hooks, run by tap inside the test
// VM booted with systemd as PID 1 on a pure cgroup v2 hierarchy, once with the cgroupfs driver and
// once with --systemd-cgroup (CGROUP_DRIVER; see test/vm/tap-in-vm.ts). One boot of its own, so
// that scripts/test.sh can run it beside systemd-vm-files.test.ts (the cgroup files). RUNTIME=runc
// runs them against runc; VM_FILES chooses other files.
import t from 'tap';
import { vmFilesTest } from '../vm/tap-in-vm.js';

const FILES = [
  'test/integration/lifecycle.test.ts',
  'test/integration/exec.test.ts',
  'test/integration/hooks.test.ts',
];
vmFilesTest(t, 'lifecycle, exec and hooks in the systemd VM (cgroup v2), cgroupfs and systemd drivers', FILES, { cgroup: 'v2' });
