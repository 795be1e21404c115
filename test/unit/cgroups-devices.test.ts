// Device rules: the v1 emulator, least-disruptive transitions, the default rules, and the eBPF
// program (its encoding, and its verdicts against the emulator's meaning).
import t from 'tap';
import { defaultDeviceRules } from '../../src/cgroups/devices/defaults.js';
import { deviceFilterInsns, encodeInsns, runFilter } from '../../src/cgroups/devices/ebpf.js';
import { DeviceEmulator } from '../../src/cgroups/devices/emulator.js';
import { fromSpec, parseListLine, ruleText, type DevRule } from '../../src/cgroups/devices/rule.js';
import { deviceRules } from '../../src/cgroups/route.js';

const R = (allow: boolean, type: 'a' | 'b' | 'c', major: number, minor: number, access: string): DevRule => ({ allow, type, major, minor, access });

t.test('spec entries are normalised (bad ones: test/unit/spec-check.test.ts)', async (t) => {
  t.same(fromSpec({ allow: false }), R(false, 'a', -1, -1, 'rwm'));
  t.same(fromSpec({ allow: true, type: 'c', major: 1, minor: null, access: 'mwr' }), R(true, 'c', 1, -1, 'rwm'));
  t.equal(ruleText(R(true, 'c', 136, -1, 'rw')), 'c 136:* rw');
  t.equal(ruleText(R(false, 'a', 1, 2, 'r')), 'a *:* rwm');
  t.same(parseListLine('b *:* m'), R(true, 'b', -1, -1, 'm'));
  t.equal(parseListLine('a *:* rwm'), undefined);
  t.throws(() => parseListLine('c 1:3'), /malformed/);
});

t.test('default rules, without those linux.devices overrides', async (t) => {
  const all = defaultDeviceRules().map(ruleText);
  t.same(all, ['c *:* m', 'b *:* m', 'c 1:3 rwm', 'c 1:8 rwm', 'c 1:7 rwm', 'c 5:0 rwm', 'c 1:5 rwm', 'c 1:9 rwm', 'c 136:* rwm', 'c 5:2 rwm', 'c 10:200 rwm']);
  const some = defaultDeviceRules([{ type: 'c', path: '/dev/null', major: 1, minor: 3 }]).map(ruleText);
  t.notOk(some.includes('c 1:3 rwm'));
  t.equal(some.length, all.length - 1);
  t.same(deviceRules({ devices: [{ allow: false, access: 'rwm' }] }).map(ruleText).slice(0, 2), ['a *:* rwm', 'c *:* m'], 'spec rules come first');
});

t.test('emulator: modes, merging and removing exceptions', async (t) => {
  const e = DeviceEmulator.fromRules([R(false, 'a', -1, -1, 'rwm'), R(true, 'c', 1, 3, 'r'), R(true, 'c', 1, 3, 'w'), R(true, 'c', 1, 5, 'rwm'), R(false, 'c', 1, 5, 'm')]);
  t.equal(e.defaultAllow, false);
  t.same([...e.exceptions], [['c:1:3', 'rw'], ['c:1:5', 'rw']]);
  e.apply(R(false, 'c', 1, 5, 'rw'));
  t.same([...e.exceptions], [['c:1:3', 'rw']], 'an exception with no access left is gone');
  e.apply(R(true, 'a', -1, -1, 'r'));
  t.equal(e.defaultAllow, true);
  t.equal(e.exceptions.size, 0, 'an "a" rule resets');
  e.apply(R(false, 'b', 8, -1, 'w'));
  t.same([...e.exceptions], [['b:8:-1', 'w']], 'deny in allow-all mode is an exception');
});

t.test('emulator: taking access away from part of a wildcard exception is refused', async (t) => {
  const e = DeviceEmulator.fromRules([R(false, 'a', -1, -1, 'rwm'), R(true, 'c', -1, -1, 'm')]);
  t.throws(() => e.apply(R(false, 'c', 1, 3, 'm')), /deny c 1:3 m cannot take access away from the wider rule allow c \*:\* m/);
  t.doesNotThrow(() => e.apply(R(false, 'c', 1, 3, 'r')), 'no overlap with the wildcard');
  t.doesNotThrow(() => e.apply(R(false, 'c', -1, -1, 'm')), 'the wildcard itself can go');
});

t.test('devices.list parsing', async (t) => {
  const allowAll = DeviceEmulator.fromList('a *:* rwm\n');
  t.equal(allowAll.defaultAllow, true);
  const list = DeviceEmulator.fromList('c 1:3 rwm\nc 136:* rw\nb *:* m\n');
  t.equal(list.defaultAllow, false);
  t.same(list.sorted().map((x) => `${x.type} ${x.major}:${x.minor} ${x.access}`), ['b -1:-1 m', 'c 1:3 rwm', 'c 136:-1 rw']);
});

t.test('transitions: a fresh cgroup gets deny-all then allows; a matching one gets nothing', async (t) => {
  const target = DeviceEmulator.fromRules(deviceRules({ devices: [{ allow: false, access: 'rwm' }] }));
  const fresh = DeviceEmulator.fromList('a *:* rwm');
  const steps = fresh.transition(target).map((r) => `${r.allow ? 'allow' : 'deny'} ${ruleText(r)}`);
  t.equal(steps[0], 'deny a *:* rwm');
  t.same(steps.slice(1, 3), ['allow c *:* m', 'allow b *:* m'], 'in the rules\' order (v1 lists them so)');
  t.equal(steps.length, 1 + 11);
  const same = DeviceEmulator.fromList('b *:* m\nc *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\nc 5:0 rwm\nc 5:2 rwm\nc 10:200 rwm\nc 136:* rwm');
  t.same(same.transition(target), [], 'already there: no writes at all');
  const less = DeviceEmulator.fromList('c 1:3 rwm\nc 1:11 rw');
  const small = DeviceEmulator.fromRules([R(false, 'a', -1, -1, 'rwm'), R(true, 'c', 1, 3, 'rw'), R(true, 'c', 4, 1, 'r')]);
  t.same(less.transition(small).map((r) => `${r.allow ? 'allow' : 'deny'} ${ruleText(r)}`),
    ['deny c 1:3 m', 'deny c 1:11 rw', 'allow c 4:1 r'], 'no deny-all when the mode is already right');
  t.same(DeviceEmulator.fromList('c 1:3 rwm').transition(DeviceEmulator.fromRules([R(true, 'a', -1, -1, 'rwm')])).map(ruleText), ['a *:* rwm']);
});

t.test('eBPF encoding: struct bpf_insn layout', async (t) => {
  const insns = deviceFilterInsns(DeviceEmulator.fromRules([R(false, 'a', -1, -1, 'rwm'), R(true, 'c', 1, 3, 'r')]));
  const buf = encodeInsns(insns);
  t.equal(buf.length, insns.length * 8);
  t.same([...buf.subarray(0, 8)], [0x61, 0x12, 0, 0, 0, 0, 0, 0], 'r2 = *(u32 *)(r1 + 0)');
  t.same([...buf.subarray(8, 16)], [0x54, 0x02, 0, 0, 0xff, 0xff, 0, 0], 'w2 &= 0xffff');
  t.same([...buf.subarray(buf.length - 8)], [0x95, 0, 0, 0, 0, 0, 0, 0], 'exit');
  t.same([...buf.subarray(buf.length - 16, buf.length - 8)], [0xb4, 0, 0, 0, 0, 0, 0, 0], 'default: deny');
  const jne = insns.find((x) => x.code === 0x55 && x.dst === 4);
  t.equal(jne?.imm, 1, 'major compare');
});

/** What the rules mean: v1 match_exception semantics over the emulator's state. */
function reference(e: DeviceEmulator, type: 'b' | 'c', major: number, minor: number, access: string): number {
  const hit = e.sorted().some((x) => x.type === type && (x.major < 0 || x.major === major) && (x.minor < 0 || x.minor === minor)
    && [...access].every((c) => x.access.includes(c)));
  return (e.defaultAllow ? !hit : hit) ? 1 : 0;
}

function prng(seed: number): () => number {
  return () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
}

t.test('eBPF verdicts equal the emulator meaning on random rules and accesses', async (t) => {
  const rnd = prng(42);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const accesses = ['r', 'w', 'm', 'rw', 'rm', 'wm', 'rwm'];
  let checked = 0;
  for (let round = 0; round < 200; round++) {
    const rules: DevRule[] = [];
    for (let i = 0; i < 1 + Math.floor(rnd() * 6); i++) {
      rules.push(R(rnd() < 0.5, pick(['a', 'b', 'c', 'c']), pick([-1, 1, 5]), pick([-1, 3, 7]), pick(accesses)));
    }
    let e: DeviceEmulator;
    try { e = DeviceEmulator.fromRules(rules); } catch { continue; } // refused hole punching
    const insns = deviceFilterInsns(e);
    for (const type of ['b', 'c'] as const) {
      for (const major of [1, 5, 9]) {
        for (const minor of [3, 7, 8]) {
          for (const a of accesses) {
            if (runFilter(insns, type, major, minor, a) !== reference(e, type, major, minor, a)) {
              t.fail(`${JSON.stringify(rules)}: ${type} ${major}:${minor} ${a}`);
              return;
            }
            checked++;
          }
        }
      }
    }
  }
  t.ok(checked > 10000, `${checked} verdicts agree`);
});

t.test('eBPF: the usual container rules', async (t) => {
  const e = DeviceEmulator.fromRules(deviceRules({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'b', major: 8, minor: 0, access: 'r' }] }));
  const f = deviceFilterInsns(e);
  t.equal(runFilter(f, 'c', 1, 3, 'rw'), 1, '/dev/null');
  t.equal(runFilter(f, 'c', 136, 4, 'rw'), 1, 'a pty');
  t.equal(runFilter(f, 'c', 1, 11, 'r'), 0, '/dev/kmsg');
  t.equal(runFilter(f, 'b', 8, 0, 'r'), 1, 'sda read');
  t.equal(runFilter(f, 'b', 8, 0, 'w'), 0, 'sda write');
  t.equal(runFilter(f, 'b', 8, 0, 'm'), 1, 'mknod of any block device');
  const open = deviceFilterInsns(DeviceEmulator.fromRules([R(true, 'a', -1, -1, 'rwm')]));
  t.equal(open.length, 8, 'allow-all: the prologue and "return 1"');
  t.equal(runFilter(open, 'b', 8, 0, 'rwm'), 1);
});
