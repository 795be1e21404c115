// Settings runts cannot apply are refused with one line, exit 1, and nothing left; never ignored.
// runc 1.1.5 refuses the LSM ones on this host too; the others it applies or ignores.
import t from 'tap';
import { existsSync } from 'node:fs';
import type { Spec } from '../../src/spec/types.js';
import { Harness, IS_RUNC, skipUnlessRoot } from '../lib/runtime.js';

const hasLsm = existsSync('/sys/kernel/security/apparmor') || existsSync('/sys/fs/selinux/enforce');
const RUNC_OTHERS = IS_RUNC && 'runc 1.1.5 applies or ignores this setting';

const CASES: [string, (s: Spec) => void, RegExp, string | false][] = [
  ['process.apparmorProfile', (s) => { s.process!.apparmorProfile = 'runts-test'; }, /apparmor/i, false],
  ['process.selinuxLabel', (s) => { s.process!.selinuxLabel = 'system_u:system_r:container_t:s0'; }, /selinux/, false],
  ['linux.mountLabel', (s) => { s.linux!.mountLabel = 'system_u:object_r:container_file_t:s0'; }, /selinux|context/, false],
  ['linux.intelRdt', (s) => { s.linux!.intelRdt = { closID: 'runts-test' }; }, /intelRdt|Intel RDT/, RUNC_OTHERS],
  ['linux.personality', (s) => { (s.linux as unknown as Record<string, unknown>).personality = { domain: 'LINUX32' }; }, /\/linux\/personality/, RUNC_OTHERS],
  ['linux.netDevices', (s) => { (s.linux as unknown as Record<string, unknown>).netDevices = { rtst0: {} }; }, /\/linux\/netDevices/, RUNC_OTHERS],
  ['linux.memoryPolicy', (s) => { (s.linux as unknown as Record<string, unknown>).memoryPolicy = { mode: 'MPOL_DEFAULT' }; }, /\/linux\/memoryPolicy/, RUNC_OTHERS],
  ['process.scheduler', (s) => { (s.process as unknown as Record<string, unknown>).scheduler = { policy: 'SCHED_IDLE' }; }, /\/process\/scheduler/, RUNC_OTHERS],
  ['process.ioPriority', (s) => { (s.process as unknown as Record<string, unknown>).ioPriority = { class: 'IOPRIO_CLASS_IDLE', priority: 0 }; }, /\/process\/ioPriority/, RUNC_OTHERS],
  ['process.execCPUAffinity', (s) => { (s.process as unknown as Record<string, unknown>).execCPUAffinity = { initial: '0' }; }, /\/process\/execCPUAffinity/, RUNC_OTHERS],
];

for (const [name, edit, msg, skip] of CASES) {
  t.test(`${name} is refused, not ignored`, { skip: skipUnlessRoot || skip || (hasLsm && 'this host has an LSM') }, async (t) => {
    const h = new Harness(t);
    const id = h.id();
    const r = h.run(h.bundle(['true'], edit), id);
    t.equal(r.status, 1, 'run fails');
    t.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr.trim()}`);
    t.match(r.stderr, msg);
    t.equal(h.state(id), undefined, 'no container left');
  });
}
