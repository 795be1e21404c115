// SELinux labels, where the host has SELinux: in the test VM (test/vm) booted with selinux=1
// security=selinux enforcing=0 and the tiny policy test/vm/selinux/policy.conf (compiled there
// with Debian's checkpolicy and loaded through selinuxfs). Permissive: what is checked is that
// each label lands where runc puts it, read back from inside the container: the process's
// context, its session keyring's, the context= of the mounts runc labels (tmpfs, devpts, the
// masked directories' tmpfs; mqueue through its root's xattr) and not of proc; exec
// --process-label; and a label the policy does not know fails create with runc's text.
import t from 'tap';
import { join } from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { Harness, ID_PREFIX, REPO, seq } from '../lib/runtime.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { runInVm, VM_CACHE, vmSkipReason } from '../vm/vm.js';

const PROCESS = 'system_u:system_r:container_t';
const FILES = 'system_u:object_r:container_file_t';
const LOOKS = [['/tmp', 'tmpfs'], ['/dev', 'tmpfs'], ['/dev/pts', 'devpts'], ['/dev/shm', 'tmpfs'],
  ['/dev/mqueue', 'mqueue'], ['/proc/acpi', 'masked directory'], ['/proc', 'proc']] as const;

function script(share: string, b: Record<string, string>): string {
  const id = (n: string) => `${ID_PREFIX}${n}`;
  const policy = join(REPO, 'test/vm/selinux/policy.conf');
  return steps(share, [
    `step policy ${VM_CACHE}/checkpolicy/usr/bin/checkpolicy -U allow -o /run/rtst-policy ${policy}`,
    'step load /bin/busybox cp /run/rtst-policy /sys/fs/selinux/load',
    'step features $RT features',
    `step run $RT run --bundle ${b.labelled} ${id('se-run')}`,
    `step hold $RT run -d --bundle ${b.hold} ${id('se-hold')}`,
    `step exec $RT exec --process-label ${PROCESS} ${id('se-hold')} /multitool cat /proc/self/attr/current`,
    `step plainexec $RT exec ${id('se-hold')} /multitool cat /proc/self/attr/current`,
    `step unknown $RT run --bundle ${b.unknown} ${id('se-unknown')}`,
    'step unknownlist $RT list -q',
    `$RT delete --force ${id('se-hold')}`,
  ]);
}

/** The lines a container printed (/proc/self/attr/current ends with a NUL, not a newline). */
const lines = (out: string) => out.replace(/\0\n?/g, '\n').split('\n');

t.test('SELinux labels, in a VM booted with SELinux', { skip: vmSkipReason() }, async (t) => {
  const h = new Harness(t);
  const withTmp = (s: Spec) => { s.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] }); };
  const probe = seq(['cat', '/proc/self/attr/current'], ['keyring-label'], ...LOOKS.map(([p]) => ['xattr', p, 'security.selinux']));
  const bundles = {
    labelled: h.bundle(probe, (s) => { withTmp(s); s.process!.selinuxLabel = PROCESS; s.linux!.mountLabel = FILES; }).dir,
    hold: h.bundle(['hold']).dir,
    unknown: h.bundle(['true'], (s) => { s.process!.selinuxLabel = 'system_u:system_r:rtst_unknown_t'; }).dir,
  };
  const vm = runInVm(h.dir, script(h.dir, bundles), { append: ['selinux=1', 'security=selinux', 'enforcing=0'] });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  const s = (n: string) => readStep(h.dir, n);
  t.equal(s('policy').rc, 0, `checkpolicy: ${s('policy').err}`);
  t.equal(s('load').rc, 0, `the policy loaded: ${s('load').err}`);
  t.equal(JSON.parse(s('features').out || '{}').linux?.selinux?.enabled, true, 'features: selinux enabled');

  const run = s('run');
  t.equal(run.rc, 0, `run: ${run.err}`);
  const [current, keyring, ...looks] = lines(run.out);
  t.equal(current, PROCESS, 'the process runs with selinuxLabel');
  t.equal(keyring, PROCESS, 'its session keyring was made with it');
  LOOKS.forEach(([path, what], i) => {
    if (what === 'proc') t.not(looks[i], FILES, `${path} (${what}) is not labelled, as in runc`);
    else t.equal(looks[i], FILES, `${path} (${what}) carries mountLabel`);
  });

  t.equal(s('hold').rc, 0, `run -d: ${s('hold').err}`);
  t.equal(lines(s('exec').out)[0], PROCESS, `exec --process-label: ${s('exec').err}`);
  t.not(lines(s('plainexec').out)[0], PROCESS, 'an exec without it keeps the runtime\'s context');

  const unknown = s('unknown');
  t.equal(unknown.rc, 1, 'a label the policy does not know fails create');
  // the keyring label is set first (runc: SetKeyLabel before the keyring, the exec label later)
  t.match(unknown.err, /write \/proc\/(self|thread-self)\/attr\/(keycreate|exec): invalid argument/);
  t.notMatch(s('unknownlist').out, /se-unknown/, 'no container left');
});
