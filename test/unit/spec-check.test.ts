// src/spec/check beyond config.json's rules (spec-semantic.test.ts): an exec --process file and
// update's resources get the same checks as config.json's process and linux.resources.
import t from 'tap';
import { isKind } from '../../src/errors.js';
import { checkConfig } from '../../src/spec/check/config.js';
import { checkDeviceRules } from '../../src/spec/check/device-rules.js';
import { checkGids, checkProcessFile, parseGid, parseUser } from '../../src/spec/check/exec-process.js';
import { checkProcess } from '../../src/spec/check/process.js';
import { checkResources } from '../../src/spec/check/resources.js';
import { resourcesFromFlags } from '../../src/spec/check/update-flags.js';

function errorOf(f: () => unknown): string | undefined {
  try { f(); return undefined; } catch (e) {
    if (!isKind(e, 'config')) throw e;
    return e.message;
  }
}

const proc = (extra: object = {}): any => ({ user: { uid: 0, gid: 0 }, args: ['/multitool'], cwd: '/', ...extra });

t.test('device rules: bad ones name their index', async (t) => {
  t.equal(errorOf(() => checkDeviceRules([{ allow: true, type: 'x' } as never])), 'linux.resources.devices[0]: invalid type "x"');
  t.match(errorOf(() => checkDeviceRules([{ allow: false }, { allow: true, type: 'c', access: 'rwx' }])), /devices\[1\]: invalid access "rwx"/);
  t.match(errorOf(() => checkDeviceRules([{ allow: true }, { allow: true }, { allow: true, type: 'c', major: -5 }])), /devices\[2\]: invalid major -5/);
  t.match(errorOf(() => checkDeviceRules([{ allow: true, type: 'c', minor: 2 ** 31 }])), /devices\[0\]: invalid minor 2147483648/);
  t.equal(errorOf(() => checkDeviceRules([{ allow: true, type: 'c', major: 1, minor: -1, access: 'rw' }, { allow: false }])), undefined);
});

t.test('execCPUAffinity: an empty set is refused, for create too', async (t) => {
  t.match(errorOf(() => checkProcess(proc({ execCPUAffinity: { final: ',' } }), 'config.json', '/process')), /CPUAffinity\.Final: no members found in set ","/);
  t.match(errorOf(() => checkProcess(proc({ execCPUAffinity: { initial: '0-x' } }), 'config.json', '/process')), /CPUAffinity\.Initial: "0-x"/);
  t.equal(errorOf(() => checkProcess(proc({ execCPUAffinity: { initial: '0', final: '' } }), 'config.json', '/process')), undefined);
});

t.test('config.json: capability and rlimit names, with their paths', async (t) => {
  const config = (p: object) => ({ ociVersion: '1.0.2', root: { path: 'rootfs' }, process: proc(p) });
  t.equal(errorOf(() => checkConfig(config({ capabilities: { bounding: ['CAP_CHOWN', 'CAP_NOSUCH'] } }))),
    'config.json: /process/capabilities/bounding/1: unknown capability "CAP_NOSUCH"');
  t.equal(errorOf(() => checkConfig(config({ rlimits: [{ type: 'RLIMIT_NOSUCH', soft: 1, hard: 1 }] }))),
    'config.json: /process/rlimits/0/type: unknown rlimit type "RLIMIT_NOSUCH"');
  t.equal(errorOf(() => checkConfig(config({ capabilities: { ambient: ['CAP_CHECKPOINT_RESTORE'] }, rlimits: [{ type: 'RLIMIT_RTTIME', soft: 1, hard: 1 }] }))), undefined);
});

t.test('exec --process: the rules of config.json\'s process, named by the file', async (t) => {
  const file = (p: object) => errorOf(() => checkProcessFile(proc(p), 'p.json'));
  t.equal(file({}), undefined);
  t.equal(file({ capabilities: { effective: ['CAP_NOSUCH'] } }), 'p.json: /capabilities/effective/0: unknown capability "CAP_NOSUCH"');
  t.equal(file({ rlimits: [{ type: 'RLIMIT_NOSUCH', soft: 1, hard: 1 }] }), 'p.json: /rlimits/0/type: unknown rlimit type "RLIMIT_NOSUCH"');
  t.equal(file({ rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }, { type: 'RLIMIT_NOFILE', soft: 2, hard: 2 }] }),
    'p.json: /rlimits/1/type: duplicate rlimit type "RLIMIT_NOFILE"');
  t.equal(file({ cwd: 'tmp' }), 'p.json: /cwd: Cwd must be an absolute path (got "tmp")');
  t.equal(file({ env: ['NOEQUALS'] }), 'p.json: /env/0: invalid environment variable "NOEQUALS": missing \'=\'');
  t.equal(file({ scheduler: { policy: 'SCHED_OTHER', priority: 3 } }), 'p.json: /scheduler/priority: scheduler.priority can only be specified for SchedFIFO or SchedRR policy');
  t.equal(file({ args: [] }), 'p.json: /args: must not be empty: it names the program to run');
  t.match(file({ rlimits: [{ type: 'RLIMIT_NOFILE', soft: -1, hard: 1 }] }), /^p\.json: \/rlimits\/0\/soft: must be >= 0/);
  const filled = checkProcessFile({ args: ['/x'] }, 'p.json');
  t.same([filled.user, filled.cwd], [{ uid: 0, gid: 0 }, '/'], 'Go\'s zero values filled in');
});

t.test('exec flags: --user and --additional-gids', async (t) => {
  t.same(parseUser('1000:10'), { uid: 1000, gid: 10 });
  t.same(parseUser('7'), { uid: 7, gid: undefined });
  t.equal(errorOf(() => parseUser('bob')), 'parsing bob as int for uid failed: strconv.Atoi: parsing "bob": invalid syntax');
  t.same(['5', '+6', '-3'].map(parseGid), [5, 6, -3]);
  t.same(checkGids([5, 6]), [5, 6]);
  t.equal(errorOf(() => checkGids([5, -3])), 'additional-gids must be a positive number -3');
  t.equal(errorOf(() => parseGid('abc')), 'invalid value "abc" for flag -additional-gids: strconv.ParseInt: parsing "abc": invalid syntax');
  t.match(errorOf(() => checkGids([2 ** 32])), /larger than a gid/);
});

t.test('update\'s resources: the schema, NUL bytes and the device rules', async (t) => {
  t.same(checkResources({ memory: { limit: 1 << 20 } }, 'r.json'), { memory: { limit: 1 << 20 } });
  t.match(errorOf(() => checkResources({ cpu: { shares: -1 } }, 'r.json')), /^r\.json: \/cpu\/shares: must be >= 0/);
  t.match(errorOf(() => checkResources({ pids: { limit: 2 ** 64 } }, 'update')), /^update: \/pids\/limit: must be <= 9223372036854775807/);
  t.equal(errorOf(() => checkResources({ devices: [{ allow: true, type: 'c', major: -5 }] }, 'r.json')), 'linux.resources.devices[0]: invalid major -5');
  t.equal(errorOf(() => checkResources({ cpu: { cpus: '0\u00001' } }, 'r.json')), 'r.json: /cpu/cpus: must not contain a NUL byte');
});

t.test('update\'s flags: runc\'s value forms, then the resources\' checks', async (t) => {
  t.same(resourcesFromFlags({ memory: '100m', 'memory-swap': '-1', 'cpu-quota': '20000', 'cpuset-cpus': '0-1', 'pids-limit': '40' }),
    { memory: { limit: 100 * 2 ** 20, swap: -1 }, cpu: { quota: 20000, cpus: '0-1' }, pids: { limit: 40 } });
  t.same(resourcesFromFlags({ memory: '1.5GiB', 'kernel-memory': '2 kb' }), { memory: { limit: 1.5 * 2 ** 30, kernel: 2048 } });
  t.equal(errorOf(() => resourcesFromFlags({ 'pids-limit': 'many' })), 'invalid value for --pids-limit: many');
  t.equal(errorOf(() => resourcesFromFlags({ memory: '10x' })), "invalid value for memory: invalid size: '10x'");
  t.match(errorOf(() => resourcesFromFlags({ 'cpu-share': '-2' })), /^update: \/cpu\/shares: must be >= 0/);
});
