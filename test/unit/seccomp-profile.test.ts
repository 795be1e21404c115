// linux.seccomp -> what libseccomp is given: errors with their JSON paths, runc's reading of
// rules (one per name, default-action rules left out, repeated arguments ORed), action values,
// flags.
import t from 'tap';
import { parseProfile } from '../../src/spec/check/seccomp-profile.js';

const base = { defaultAction: 'SCMP_ACT_ALLOW' };
const withCalls = (...syscalls: unknown[]) => ({ ...base, syscalls });

t.test('no profile, or neither a default action nor rules: no filter (runc)', async (t) => {
  t.equal(parseProfile(undefined), undefined);
  t.equal(parseProfile({}), undefined);
  t.equal(parseProfile({ defaultAction: '', syscalls: [] }), undefined);
});

t.test('malformed profiles name config.json and the JSON path', async (t) => {
  const cases: [unknown, RegExp][] = [
    [[], /^config\.json: \/linux\/seccomp: must be an object$/],
    [{ defaultAction: 'SCMP_ACT_NOPE' }, /^config\.json: \/linux\/seccomp\/defaultAction: unknown action "SCMP_ACT_NOPE"$/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 1 }, /\/linux\/seccomp\/defaultErrnoRet: SCMP_ACT_ALLOW does not take an errno/],
    [{ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: -1 }, /\/linux\/seccomp\/defaultErrnoRet: must be an unsigned integer/],
    [{ defaultAction: 'SCMP_ACT_NOTIFY', listenerPath: '/a' }, /\/linux\/seccomp\/defaultAction: SCMP_ACT_NOTIFY cannot be the default action/],
    [{ ...base, architectures: ['SCMP_ARCH_Z80'] }, /\/linux\/seccomp\/architectures\/0: unknown architecture "SCMP_ARCH_Z80"/],
    [{ ...base, architectures: 'SCMP_ARCH_X86' }, /\/linux\/seccomp\/architectures: must be an array/],
    [{ ...base, flags: ['SECCOMP_FILTER_FLAG_NOPE'] }, /\/linux\/seccomp\/flags\/0: unknown seccomp flag/],
    [{ ...base, listenerMetadata: 'x' }, /\/linux\/seccomp\/listenerMetadata: must not be set without listenerPath/],
    [withCalls({ names: [], action: 'SCMP_ACT_ERRNO' }), /\/linux\/seccomp\/syscalls\/0\/names: must name at least one syscall/],
    [withCalls({ action: 'SCMP_ACT_ERRNO' }), /\/linux\/seccomp\/syscalls\/0\/names: must name at least one syscall/],
    [withCalls({ names: ['read'], action: 'SCMP_ACT_ERRNO' }, { names: ['mkdir', ''], action: 'SCMP_ACT_ERRNO' }),
      /\/linux\/seccomp\/syscalls\/1\/names\/1: empty string is not a valid syscall/],
    [withCalls({ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }, { names: ['mkdir'], action: 'SCMP_ACT_KIL' }),
      /^config\.json: \/linux\/seccomp\/syscalls\/1\/action: unknown action "SCMP_ACT_KIL"$/],
    [withCalls({ names: ['mkdir'], action: 'SCMP_ACT_KILL', errnoRet: 1 }), /\/linux\/seccomp\/syscalls\/0\/errnoRet: SCMP_ACT_KILL does not take an errno/],
    [withCalls({ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }),
      /\/linux\/seccomp\/syscalls\/0\/args\/0\/index: argument index 6 is out of range/],
    [withCalls({ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_IS' }] }),
      /\/linux\/seccomp\/syscalls\/0\/args\/0\/op: unknown operator "SCMP_CMP_IS"/],
    [withCalls({ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: '1', op: 'SCMP_CMP_EQ' }] }),
      /\/linux\/seccomp\/syscalls\/0\/args\/0\/value: must be an unsigned integer/],
    [withCalls({ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }), /\/linux\/seccomp\/listenerPath: is required when a rule uses SCMP_ACT_NOTIFY/],
    [{ ...withCalls({ names: ['read', 'write'], action: 'SCMP_ACT_NOTIFY' }), listenerPath: '/a' },
      /\/linux\/seccomp\/syscalls\/0\/action: SCMP_ACT_NOTIFY cannot be used for the write syscall/],
  ];
  for (const [profile, message] of cases) t.throws(() => parseProfile(profile), message, JSON.stringify(profile));
});

t.test('one rule per name; a rule with the default action is left out, its names still counted', async (t) => {
  const p = parseProfile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
    { names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }, // = the default (EPERM)
    { names: ['chmod'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, // = the default too
    { names: ['rmdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 2 },
  ] })!;
  t.same(p.rules.map((r) => [r.name, r.action.toString(16), r.at]), [
    ['read', '7fff0000', '/linux/seccomp/syscalls/0'], ['write', '7fff0000', '/linux/seccomp/syscalls/0'],
    ['rmdir', '50002', '/linux/seccomp/syscalls/3'],
  ]);
  t.same(p.names, ['read', 'write', 'mkdir', 'chmod', 'rmdir']);
});

t.test('action values: ERRNO and TRACE default to EPERM and keep 16 bits; KILL is KILL_THREAD', async (t) => {
  const action = (a: string, errnoRet?: number) => parseProfile({ defaultAction: 'SCMP_ACT_LOG', syscalls: [{ names: ['x'], action: a, errnoRet }] })!.rules[0].action;
  t.equal(action('SCMP_ACT_ERRNO'), 0x50001);
  t.equal(action('SCMP_ACT_ERRNO', 0x10026), 0x50026);
  t.equal(action('SCMP_ACT_TRACE'), 0x7ff00001);
  t.equal(action('SCMP_ACT_TRACE', 38), 0x7ff00026);
  t.equal(action('SCMP_ACT_KILL'), 0);
  t.equal(action('SCMP_ACT_KILL_THREAD'), 0);
  t.equal(action('SCMP_ACT_KILL_PROCESS'), 0x80000000);
  t.equal(action('SCMP_ACT_TRAP'), 0x30000);
  t.equal(action('SCMP_ACT_ALLOW'), 0x7fff0000);
  t.equal(parseProfile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 95 })!.defaultAction, 0x5005f);
});

t.test('conditions: ANDed in one rule; when an argument repeats, one rule per condition (runc)', async (t) => {
  const conds = (args: unknown[]) => parseProfile(withCalls({ names: ['x'], action: 'SCMP_ACT_ERRNO', args }))!.rules[0].conds;
  const two = conds([{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 7, valueTwo: 3, op: 'SCMP_CMP_MASKED_EQ' }]);
  t.same(two, [[{ index: 0, op: 4, a: 1n, b: 0n }, { index: 1, op: 7, a: 7n, b: 3n }]]);
  const repeated = conds([{ index: 1, value: 3, op: 'SCMP_CMP_EQ' }, { index: 1, value: 9, op: 'SCMP_CMP_EQ' }, { index: 0, value: 1, op: 'SCMP_CMP_NE' }]);
  t.same(repeated.map((r) => r.length), [1, 1, 1]);
  t.same(conds([]), [[]]);
  t.same(parseProfile(withCalls({ names: ['x'], action: 'SCMP_ACT_ERRNO' }))!.rules[0].conds, [[]]);
  // JSON has only doubles: 18446744073709551615 arrives as 2^64 and means the largest uint64
  t.equal(conds([{ index: 0, value: 18446744073709551615, op: 'SCMP_CMP_EQ' }])[0][0].a, (1n << 64n) - 1n);
});

t.test('flags: listed ones, NEW_LISTENER with a NOTIFY rule, TSYNC ignored, WAIT_KILLABLE_RECV only with a listener', async (t) => {
  const flags = (o: object) => parseProfile({ ...base, ...o })!.flags;
  t.equal(flags({ flags: ['SECCOMP_FILTER_FLAG_TSYNC'] }), 0);
  t.equal(flags({ flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'] }), 2 | 4);
  t.equal(flags({ flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] }), 0);
  const notify = { listenerPath: '/run/agent.sock', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] };
  t.equal(flags(notify), 8);
  t.equal(flags({ ...notify, flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] }), 8 | 32);
  t.equal(parseProfile(base)!.flagNames, undefined, 'absent flags: runc\'s default applies');
  t.same(parseProfile({ ...base, flags: [] })!.flagNames, []);
  t.doesNotThrow(() => parseProfile({ ...notify, ...base, listenerMetadata: 'm' }));
});

t.test('architectures map to libseccomp\'s names', async (t) => {
  const archs = parseProfile({ ...base, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_LOONGARCH64'] })!.archs;
  t.same(archs.map((a) => a.name), ['x86_64', 'x86', 'x32', 'aarch64', 'loongarch64']);
  t.equal(archs[4].at, '/linux/seccomp/architectures/4');
});
