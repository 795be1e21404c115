// AppArmor, where the host has it: in the test VM (test/vm), whose Debian kernel enables it.
// One boot runs every step with the runtime under test (runts, or runc with RUNTIME=runc); the
// steps' outputs come back through the share dir and are checked here. A profile is loaded with
// apparmor_parser; the container process (and an exec'd one) must run confined by it, its deny
// rule must hold, and a profile that is not loaded must fail create (and exec) with runc's text,
// leaving no container behind.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { Harness, ID_PREFIX, IS_RUNC, seq } from '../lib/runtime.js';
import { readStep, steps, vmFailure } from '../vm/steps.js';
import { runInVm, VM_CACHE, vmSkipReason } from '../vm/vm.js';

const PROFILE = 'rtst-aa';
const PROFILE_TEXT = `profile ${PROFILE} flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  signal,
  deny /tmp/** w,
}
`;

/** Everything in one boot; each step's output comes back as NAME.out/.err/.rc. */
function script(share: string, bundles: Record<string, string>): string {
  const id = (n: string) => `${ID_PREFIX}${n}`;
  return steps(share, [
    `step load ${VM_CACHE}/apparmor/sbin/apparmor_parser --replace --skip-cache ${share}/profile`,
    'step features $RT features',
    `step run $RT run --bundle ${bundles.confined} ${id('aa-run')}`,
    `step plain $RT run --bundle ${bundles.plain} ${id('aa-plain')}`,
    `step hold $RT run -d --bundle ${bundles.hold} ${id('aa-hold')}`,
    `step exec $RT exec --apparmor ${PROFILE} ${id('aa-hold')} /multitool ${seq(['cat', '/proc/self/attr/current'], ['write', '/tmp/exec', 'hi']).join(' ')}`,
    `step execmissing $RT exec --apparmor rtst-not-loaded ${id('aa-hold')} /multitool true`,
    `step missing $RT run --bundle ${bundles.missing} ${id('aa-missing')}`,
    'step missinglist $RT list -q',
    `step missingcg find /sys/fs/cgroup -name "*${id('aa-missing')}*"`,
    `$RT delete --force ${id('aa-hold')}`,
  ]);
}

t.test('AppArmor profiles, in a VM whose kernel has AppArmor', { skip: vmSkipReason() }, async (t) => {
  const h = new Harness(t);
  // the rootfs is read-only (runc's default spec): the deny rule is tried on a tmpfs
  const withTmp = (s: Spec) => { s.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] }); };
  const confined = (p: string) => (s: Spec) => { withTmp(s); s.process!.apparmorProfile = p; };
  const probe = seq(['cat', '/proc/self/attr/current'], ['write', '/tmp/run', 'hi']);
  const bundles = {
    confined: h.bundle(probe, confined(PROFILE)).dir,
    plain: h.bundle(probe, withTmp).dir,
    hold: h.bundle(['hold'], withTmp).dir,
    missing: h.bundle(['true'], confined('rtst-not-loaded')).dir,
  };
  writeFileSync(join(h.dir, 'profile'), PROFILE_TEXT);
  const vm = runInVm(h.dir, script(h.dir, bundles), { append: ['apparmor=1', 'security=apparmor'] });
  t.equal(vm.status, 0, vmFailure(vm) || 'the VM ran the steps');
  const s = (n: string) => readStep(h.dir, n);

  t.equal(s('load').rc, 0, `apparmor_parser loaded the profile: ${s('load').err}`);
  t.equal(JSON.parse(s('features').out || '{}').linux?.apparmor?.enabled, true, 'features: apparmor enabled');
  const run = s('run');
  t.equal(run.rc, 1, `run (multitool write fails): ${run.err}`);
  t.match(run.out, new RegExp(`^${PROFILE} \\(enforce\\)`), 'the process runs confined by the profile');
  t.match(run.out, /errno EACCES$/m, 'the profile\'s deny rule holds');
  const plain = s('plain');
  t.match(plain.out, /^unconfined/, 'without apparmorProfile: unconfined');
  t.equal(plain.rc, 0, `run without a profile: ${plain.err}`);
  t.match(plain.out, /^ok$/m, 'and the same write works');

  t.equal(s('hold').rc, 0, `run -d: ${s('hold').err}`);
  const exec = s('exec');
  t.equal(exec.rc, 1, `exec --apparmor (multitool write fails): ${exec.err}`);
  t.match(exec.out, new RegExp(`^${PROFILE} \\(enforce\\)`), 'exec --apparmor confines the exec\'d process');
  t.match(exec.out, /errno EACCES$/m, 'under the profile\'s deny rule');
  const execMissing = s('execmissing');
  t.equal(execMissing.rc, 255, 'exec with a profile that is not loaded exits 255');
  t.match(execMissing.err, /apparmor failed to apply profile: write \/proc\/(self|thread-self)\/attr\/apparmor\/exec: no such file or directory/);

  const missing = s('missing');
  t.equal(missing.rc, 1, 'create with a profile that is not loaded fails');
  t.match(missing.err, /unable to apply apparmor profile: apparmor failed to apply profile: write \/proc\/(self|thread-self)\/attr\/apparmor\/exec: no such file or directory/);
  if (!IS_RUNC) t.equal(missing.err.trim().split('\n').length, 1, `one line: ${missing.err}`);
  t.notMatch(s('missinglist').out, /aa-missing/, 'no container left');
  t.equal(s('missingcg').out, '', 'no cgroup left');
});
