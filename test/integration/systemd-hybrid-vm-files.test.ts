// The cgroup files of the integration suite in the test VM booted with systemd on its hybrid
// layout (systemd.unified_cgroup_hierarchy=0: the controllers on cgroup v1, a cgroup2 mount at
// /sys/fs/cgroup/unified holding none), with --systemd-cgroup (the driver's v1 paths) and without.
// One boot; see systemd-vm-files.test.ts and test/vm/tap-in-vm.ts. VM_FILES chooses other files.
import t from 'tap';
import { vmFilesTest } from '../vm/tap-in-vm.js';

const FILES = ['test/integration/cgroups-resources.test.ts', 'test/integration/ops-update-events.test.ts'];
vmFilesTest(t, 'cgroup files in the systemd VM (hybrid layout), cgroupfs and systemd drivers', FILES, { cgroup: 'hybrid' });
