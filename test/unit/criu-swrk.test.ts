// The conversation with `criu swrk` (src/criu/swrk.ts) against a fake criu: a node script, run as
// criu would be (its fd 3 the seqpacket socket), that saves the request, sends the messages its
// plan.json lists (bytes made with runts' own encoder), saves what runts answers, and exits with
// the plan's status. No root, no real criu: what the VM tests (criu-*-vm) cannot isolate, the
// notifications' answers and every way criu can fail.
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { criuSwrk, type Notify } from '../../src/criu/swrk.js';
import { decode, encode } from '../../src/criu/protobuf.js';
import { criuReq, criuResp, REQ } from '../../src/criu/rpc-schema.js';

const FAKE = `#!/usr/bin/env node
const fs = require('fs');
const plan = JSON.parse(fs.readFileSync(__dirname + '/plan.json', 'utf8'));
const buf = Buffer.alloc(65536);
fs.writeFileSync(__dirname + '/req.bin', buf.subarray(0, fs.readSync(3, buf)));
for (const step of plan.steps) {
  if (step.send) fs.writeSync(3, Buffer.from(step.send, 'hex'));
  if (step.log) fs.appendFileSync(__dirname + '/restore.log', step.log + '\\n');
  if (step.read) {
    const n = fs.readSync(3, buf);
    if (n === 0) process.exit(9);
    fs.appendFileSync(__dirname + '/answers', buf.subarray(0, n).toString('hex') + '\\n');
  }
}
process.exit(plan.exit || 0);
`;

type Step = { send?: string; read?: boolean; log?: string };
const resp = (m: Record<string, unknown>) => encode(criuResp, m).toString('hex');

function fake(t: Test, steps: Step[], exit = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'runts-fake-criu-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'criu'), FAKE, { mode: 0o755 });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ steps, exit }));
  return dir;
}

const request = (dir: string, notify: (n: Notify) => void = () => undefined) => criuSwrk({
  bin: join(dir, 'criu'), type: REQ.RESTORE, opts: { imagesDirFd: 7, rstSibling: true, root: '/r', inheritFd: [{ key: 'pipe:[1]', fd: 1 }] },
  fds: [], log: join(dir, 'restore.log'), what: 'restore', notify,
});

t.test('a request, a notification answered, the response', async (t) => {
  const dir = fake(t, [
    { send: resp({ type: REQ.NOTIFY, success: true, notify: { script: 'setup-namespaces', pid: 42 } }), read: true },
    { send: resp({ type: REQ.RESTORE, success: true, restore: { pid: 99 } }) },
  ]);
  const seen: Notify[] = [];
  const r = await request(dir, (n) => { seen.push(n); });
  t.equal(r.restore?.pid, 99, 'the restored pid');
  t.same(seen, [{ script: 'setup-namespaces', pid: 42, fds: [] }], 'the notification reached the handler');
  t.same(decode(criuReq, readFileSync(join(dir, 'req.bin'))), {
    type: REQ.RESTORE, opts: { imagesDirFd: 7, rstSibling: true, root: '/r', inheritFd: [{ key: 'pipe:[1]', fd: 1 }] },
  }, 'criu got the request');
  const answers = readFileSync(join(dir, 'answers'), 'utf8').trim().split('\n');
  t.same(answers.map((a) => decode(criuReq, Buffer.from(a, 'hex'))), [{ type: REQ.NOTIFY, notifySuccess: true }], 'runts answered it');
});

t.test('criu\'s error message, with its log', async (t) => {
  const dir = fake(t, [{ send: resp({ type: REQ.RESTORE, success: false, crErrno: 2, crErrmsg: 'Can\'t open images dir' }) }], 1);
  await t.rejects(request(dir), { message: `restore failed: criu: Can't open images dir (log: ${join(dir, 'restore.log')})` });
});

t.test('criu exits without a response: its log\'s last error', async (t) => {
  const dir = fake(t, [{ log: '(00.1) Error (criu/files.c:1): files: boom' }, { log: '(00.2) Error (criu/cr-restore.c:2): Restoring FAILED.' }], 1);
  await t.rejects(request(dir), { message: `restore failed: criu: files: boom (log: ${join(dir, 'restore.log')})` });
});

t.test('criu exits without a response or a log: its status', async (t) => {
  const dir = fake(t, [], 3);
  await t.rejects(request(dir), { message: /restore failed: criu: criu exited with status 3 / });
});

t.test('a failing notification handler fails the request; criu reads EOF', async (t) => {
  const dir = fake(t, [{ send: resp({ type: REQ.NOTIFY, success: true, notify: { script: 'setup-namespaces', pid: 42 } }), read: true }]);
  await t.rejects(request(dir, () => { throw new Error('prestart hook #0 failed'); }), { message: 'prestart hook #0 failed' });
  t.throws(() => readFileSync(join(dir, 'answers')), 'no answer was sent');
});

t.test('a pre-dump answered: criu\'s exit status after (it waits for a next request) fails nothing', async (t) => {
  const dir = fake(t, [{ send: resp({ type: REQ.PRE_DUMP, success: true }) }], 1);
  const r = await criuSwrk({ bin: join(dir, 'criu'), type: REQ.PRE_DUMP, opts: { imagesDirFd: 7 }, fds: [], log: join(dir, 'dump.log'), what: 'pre-dump', notify: () => undefined });
  t.equal(r.success, true);
  const failed = fake(t, [{ send: resp({ type: REQ.PRE_DUMP, success: false, crErrmsg: 'boom' }) }], 1);
  await t.rejects(criuSwrk({ bin: join(failed, 'criu'), type: REQ.PRE_DUMP, opts: { imagesDirFd: 7 }, fds: [], log: join(failed, 'dump.log'), what: 'pre-dump', notify: () => undefined }),
    { message: /^pre-dump failed: criu: boom / });
});
