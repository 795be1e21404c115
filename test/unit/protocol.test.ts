import t from 'tap';
import { closeSync, writeSync } from 'node:fs';
import { attr, decodeAttrs, encode, encodeChecked, expectMessage, readMessage, receive, receiveIn, send, sendError, writeMessage } from '../../src/protocol/framing.js';
import { decodeBody } from '../../src/protocol/check.js';
import { decodeInitPlan, initSpec, type InitPlan } from '../../src/protocol/init-plan.js';
import type { Spec } from '../../src/spec/types.js';
import { ATTR, MSG } from '../../src/protocol/messages.js';
import { socketPair } from '../../src/linux/fd.js';

t.test('encode/decode round trip', async (t) => {
  const buf = encode(MSG.NS_PLAN, [attr.u32(ATTR.CLONE_FLAGS, 0x20000), ...attr.strs(ATTR.INIT_ARG, ['node', 'init.js'])]);
  t.equal(buf.readUInt32LE(0), buf.length - 8, 'length excludes the header');
  t.equal(buf.readUInt32LE(4), MSG.NS_PLAN);
  const attrs = decodeAttrs(buf.subarray(8));
  t.same(attrs.map((a) => a.type), [ATTR.CLONE_FLAGS, ATTR.INIT_ARG, ATTR.INIT_ARG]);
  t.equal(attrs[0].value.readUInt32LE(0), 0x20000);
  t.equal(attrs[2].value.toString(), 'init.js');
});

t.test('truncated attributes are rejected', async (t) => {
  const bad = Buffer.alloc(10); bad.writeUInt32LE(1, 0); bad.writeUInt32LE(100, 4);
  t.throws(() => decodeAttrs(bad), /overruns/);
});

t.test('messages over a socketpair; ERROR becomes the stage error', async (t) => {
  const [a, b] = socketPair();
  t.teardown(() => { closeSync(a); closeSync(b); });
  writeMessage(a, MSG.STAGE_PID, [attr.u32(ATTR.PID, 42)]);
  const m = expectMessage(b, MSG.STAGE_PID, 'test');
  t.equal(m.attrs[0].value.readUInt32LE(0), 42);
  sendError(a, 'mount proc: operation not permitted');
  t.throws(() => expectMessage(b, MSG.INIT_PID, 'test'), /^mount proc: operation not permitted$/);
  writeMessage(a, MSG.READY);
  t.throws(() => expectMessage(b, MSG.INIT_PID, 'test'), /expected INIT_PID from test, got READY/);
});

t.test('end of stream', async (t) => {
  const [a, b] = socketPair();
  closeSync(a);
  t.equal(readMessage(b), null);
  t.throws(() => expectMessage(b, MSG.READY, 'runts-finalize'), /runts-finalize exited before sending READY/);
  closeSync(b);
});

t.test('typed bodies: send and receive; a message that breaks its table is refused both ways', async (t) => {
  const [a, b] = socketPair();
  t.teardown(() => { closeSync(a); closeSync(b); });
  send(a, 'IDMAP_PLAN', { SOURCE: '/src', NS_PATH: [Buffer.from('x'), Buffer.from('y')], TREE_FLAGS: 5 });
  const body = receive(b, 'IDMAP_PLAN', 'test');
  t.same(body, { SOURCE: '/src', NS_PATH: [Buffer.from('x'), Buffer.from('y')], TREE_FLAGS: 5 });
  t.throws(() => writeMessage(a, MSG.STAGE_PID, []), { message: 'protocol: STAGE_PID: missing attribute PID' });
  t.throws(() => writeMessage(a, MSG.READY, [attr.u32(ATTR.PID, 1)]), { message: 'protocol: READY: unknown attribute PID' });
  writeSync(a, encode(MSG.INIT_PID, [attr.u32(ATTR.PID, 1), attr.u32(ATTR.PID, 2)]));
  t.throws(() => receive(b, 'INIT_PID', 'runts-nsexec'), { message: 'protocol: INIT_PID from runts-nsexec: attribute PID given twice' });
  t.same(decodeBody('FINALIZE_PLAN', { kind: MSG.FINALIZE_PLAN, attrs: [attr.str(ATTR.CWD, '/'), attr.u64s(ATTR.CAPS, [1n, 2n])] }),
    { CWD: '/', CAPS: [1n, 2n], KEEP_FD: [], HOOK_PATH: [], HOOK_ARG: [], HOOK_ENV: [], HOOK_TIMEOUT: [], ARG: [], ENV: [], ADDITIONAL_GID: [], RLIMIT: [] });
});

t.test('a message that comes with an fd (MOUNT_FD to the init) is checked as any other', async (t) => {
  t.same(receiveIn(encodeChecked('MOUNT_FD', {}), 'MOUNT_FD', 'runts'), {});
  t.same(encodeChecked('MOUNT_FD', {}), encode(MSG.MOUNT_FD));
  t.throws(() => receiveIn(encode(MSG.HOOKS_DONE), 'MOUNT_FD', 'runts'), { message: 'protocol: expected MOUNT_FD from runts, got HOOKS_DONE' });
  t.throws(() => receiveIn(encode(MSG.MOUNT_FD, [attr.u32(ATTR.PID, 1)]), 'MOUNT_FD', 'runts'), { message: 'protocol: MOUNT_FD from runts: unknown attribute PID' });
  t.throws(() => receiveIn(encode(MSG.MOUNT_FD).subarray(0, 6), 'MOUNT_FD', 'runts'), { message: 'protocol: expected MOUNT_FD from runts, got 6 bytes that are not one message' });
  t.throws(() => receiveIn(encode(MSG.ERROR, [attr.str(ATTR.MESSAGE, 'boom')]), 'MOUNT_FD', 'runts'), { message: 'boom' });
  t.throws(() => encodeChecked('STAGE_PID', {} as never), { message: 'protocol: STAGE_PID: missing attribute PID' });
});

t.test('INIT_PLAN: one type, a decoder that names a missing, unknown or mistyped field', async (t) => {
  const good: InitPlan = {
    rootfs: '/r', bundle: '/b', spec: { ociVersion: '1.0.2' }, noPivot: false, newMountNs: true, newUtsNs: false,
    newCgroupNs: false, inUserNs: false, stateJson: '{}', passFds: [0, 1, 2],
  };
  t.same(decodeInitPlan(JSON.stringify(good)), good);
  const { rootfs: _, ...noRootfs } = good;
  t.throws(() => decodeInitPlan(JSON.stringify(noRootfs)), { message: 'protocol: INIT_PLAN: missing field rootfs' });
  t.throws(() => decodeInitPlan(JSON.stringify({ ...good, extra: 1 })), { message: 'protocol: INIT_PLAN: unknown field extra' });
  t.throws(() => decodeInitPlan(JSON.stringify({ ...good, passFds: ['3'] })), { message: 'protocol: INIT_PLAN: field passFds has the wrong type' });
  t.throws(() => decodeInitPlan('[]'), { message: 'protocol: INIT_PLAN: not a JSON object' });
  t.throws(() => decodeInitPlan(JSON.stringify({ ...good, noPivot: 'no' })), { message: 'protocol: INIT_PLAN: field noPivot has the wrong type' });
  t.throws(() => decodeInitPlan(JSON.stringify({ ...good, spec: [] })), { message: 'protocol: INIT_PLAN: field spec has the wrong type' });
  t.throws(() => decodeInitPlan(JSON.stringify({ ...good, trace: 1 })), { message: 'protocol: INIT_PLAN: field trace has the wrong type' });
  t.throws(() => decodeInitPlan('{'), { message: /^protocol: INIT_PLAN: / });
  const { stateJson: _s, ...noState } = good;
  t.throws(() => decodeInitPlan(JSON.stringify(noState)), { message: 'protocol: INIT_PLAN: missing field stateJson' });
});

t.test('INIT_PLAN carries only the part of the config the init uses', async (t) => {
  const spec: Spec = {
    ociVersion: '1.0.2', root: { path: 'rootfs' }, hostname: 'h', annotations: { a: 'b' },
    process: { cwd: '/w', terminal: true, args: ['sh'], env: ['SECRET=1'], user: { uid: 0, gid: 0 } },
    hooks: { prestart: [{ path: '/p' }], createContainer: [{ path: '/c' }] },
    linux: { namespaces: [{ type: 'mount' }], resources: { pids: { limit: 1 } }, seccomp: { defaultAction: 'SCMP_ACT_ALLOW' } },
  };
  t.same(initSpec(spec), {
    ociVersion: '1.0.2', root: { path: 'rootfs' }, hostname: 'h', process: { cwd: '/w', terminal: true },
    hooks: { createContainer: [{ path: '/c' }] }, linux: { namespaces: [{ type: 'mount' }] },
  });
});
