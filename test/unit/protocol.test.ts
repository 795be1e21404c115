import t from 'tap';
import { closeSync } from 'node:fs';
import { attr, decodeAttrs, encode, expectMessage, readMessage, sendError, writeMessage } from '../../src/protocol/framing.js';
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
