// The C stages fed their plans by a fake parent: each is started as runts starts it (its end of a
// socketpair as the sync fd), gets a plan through the typed writer, and must refuse a plan that
// breaks its line in MESSAGES (src/protocol/messages.ts) with an ERROR naming the message and the
// attribute, as the TypeScript reader does; a good minimal plan runs where it needs no container.
import t, { type Test } from 'tap';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attr, encode, readMessage, type Attr } from '../../src/protocol/framing.js';
import { checkMessage } from '../../src/protocol/check.js';
import { ATTR, MSG, type MsgName } from '../../src/protocol/messages.js';
import { socketPair } from '../../src/linux/fd.js';
import { spawnWithFds } from '../../src/linux/spawn.js';
import { reapChild } from '../../src/linux/process.js';

const BUILD = join(import.meta.dirname, '../../native/build');
const STAGES = { finalize: 'runts-finalize', nsexec: 'runts-nsexec', idmap: 'runts-idmap' } as const;
const missing = Object.values(STAGES).filter((s) => !existsSync(join(BUILD, s)));
if (missing.length) t.plan(0, `native/build lacks ${missing.join(', ')}: run make build`);

/** Starts a stage with its sync socket at fd 3 (and `extra` from fd 4), writes the raw message
 * (unchecked: a fake parent may send what runts never would) and returns what it answers. */
function run(stage: keyof typeof STAGES, kind: number, attrs: Attr[], stdout = 1, extra: number[] = []) {
  const [mine, theirs] = socketPair();
  let pid: number;
  try { pid = spawnWithFds(join(BUILD, STAGES[stage]), [STAGES[stage], '3'], [0, stdout, 2, theirs, ...extra]); } finally { closeSync(theirs); }
  try {
    const buf = encode(kind, attrs);
    writeSync(mine, buf);
    const reply = readMessage(mine);
    return { reply, error: reply?.kind === MSG.ERROR ? reply.attrs[0].value.toString() : undefined, fd: mine, pid };
  } catch (e) { closeSync(mine); reapChild(pid); throw e; }
}

function refuses(t: Test, stage: keyof typeof STAGES, name: MsgName, attrs: Attr[], want: string): void {
  t.throws(() => checkMessage({ kind: MSG[name], attrs }), { message: `protocol: ${name}: ${want}` }, `TS: ${want}`);
  const r = run(stage, MSG[name], attrs);
  closeSync(r.fd); reapChild(r.pid);
  t.equal(r.error, `protocol: ${name}: ${want}`, `${STAGES[stage]}: ${want}`);
}

const cwd = attr.str(ATTR.CWD, '/');

t.test('runts-finalize refuses a FINALIZE_PLAN that breaks its table', async (t) => {
  refuses(t, 'finalize', 'FINALIZE_PLAN', [attr.str(ATTR.ARG, '/bin/true')], 'missing attribute CWD');
  refuses(t, 'finalize', 'FINALIZE_PLAN', [cwd, attr.u32(ATTR.PID, 1)], 'unknown attribute PID');
  refuses(t, 'finalize', 'FINALIZE_PLAN', [cwd, { type: 999, value: Buffer.alloc(0) }], 'unknown attribute 999');
  refuses(t, 'finalize', 'FINALIZE_PLAN', [cwd, cwd], 'attribute CWD given twice');
  refuses(t, 'finalize', 'FINALIZE_PLAN', [cwd, { type: ATTR.UID, value: Buffer.alloc(2) }], 'attribute UID is 2 bytes, not 4');
  refuses(t, 'finalize', 'FINALIZE_PLAN', [cwd, attr.bytes(ATTR.CAPS as never, Buffer.alloc(12))], 'attribute CAPS is 12 bytes, not whole u64 words');
  const r = run('finalize', MSG.READY, []);
  closeSync(r.fd); reapChild(r.pid);
  t.equal(r.error, 'protocol: expected FINALIZE_PLAN, got READY', 'another message');
});

t.test('runts-nsexec and runts-idmap refuse a plan that breaks its table', async (t) => {
  refuses(t, 'nsexec', 'NS_PLAN', [attr.u32(ATTR.CLONE_FLAGS, 0)], 'missing attribute FINALIZE_FD');
  refuses(t, 'nsexec', 'NS_PLAN', [attr.u32(ATTR.CLONE_FLAGS, 0), attr.u32(ATTR.FINALIZE_FD, 4), attr.str(ATTR.CWD, '/')], 'unknown attribute CWD');
  refuses(t, 'idmap', 'IDMAP_PLAN', [attr.str(ATTR.SOURCE, '/')], 'missing attribute TREE_FLAGS');
  refuses(t, 'idmap', 'IDMAP_PLAN', [attr.str(ATTR.SOURCE, '/'), attr.u32(ATTR.TREE_FLAGS, 4), attr.u32(ATTR.UID, 0)], 'unknown attribute UID');
});

t.test('a good minimal plan: nsexec (exec, no namespace) hands over to finalize, which runs the process', { skip: process.getuid?.() !== 0 && 'needs root (finalize sets uid 0 and its groups)' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runts-stages-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = openSync(join(dir, 'out'), 'w');
  const finalize = openSync(join(BUILD, STAGES.finalize), 'r');
  const r = run('nsexec', MSG.NS_PLAN, [attr.u32(ATTR.CLONE_FLAGS, 0), attr.u32(ATTR.DIRECT_FINALIZE, 1), attr.u32(ATTR.FINALIZE_FD, 4)], out, [finalize]);
  closeSync(out); closeSync(finalize);
  try {
    t.equal(r.reply?.kind, MSG.STAGE_PID, 'STAGE_PID');
    writeSync(r.fd, encode(MSG.STAGE_GO));
    const initPid = readMessage(r.fd);
    t.equal(initPid?.kind, MSG.INIT_PID, 'INIT_PID');
    writeSync(r.fd, encode(MSG.FINALIZE_PLAN, [cwd, attr.str(ATTR.ARG, '/bin/echo'), attr.str(ATTR.ARG, 'from finalize'),
      attr.str(ATTR.ENV, 'PATH=/bin:/usr/bin'), attr.u32(ATTR.UID, 0), attr.u32(ATTR.GID, 0)]));
    t.equal(readMessage(r.fd), null, 'EOF: the process was exec\'d');
    reapChild(initPid!.attrs[0].value.readUInt32LE(0));
  } finally { closeSync(r.fd); reapChild(r.pid); }
  t.equal(readFileSync(join(dir, 'out'), 'utf8'), 'from finalize\n');
});

/** FINALIZE_PLAN (exec) with an allow-all filter that has a listener: finalize sends SECCOMP_FD
 * and waits; answers it with `answer` and returns what finalize says then. */
function seccompAnswer(answer: Buffer): { fdAttr: number | undefined; after: string | null | undefined } {
  const allow = Buffer.alloc(8); allow.writeUInt16LE(0x06, 0); allow.writeUInt32LE(0x7fff0000, 4); // BPF_RET|BPF_K, SECCOMP_RET_ALLOW
  const r = run('finalize', MSG.FINALIZE_PLAN, [cwd, attr.str(ATTR.ARG, '/bin/true'), attr.str(ATTR.ENV, 'PATH=/bin:/usr/bin'),
    attr.bytes(ATTR.SECCOMP_BPF, allow), attr.u32(ATTR.SECCOMP_FLAGS, 8)]); // SECCOMP_FILTER_FLAG_NEW_LISTENER
  try {
    const fdAttr = r.reply?.kind === MSG.SECCOMP_FD ? checkMessage(r.reply) ?? r.reply.attrs[0].value.readUInt32LE(0) : undefined;
    writeSync(r.fd, answer);
    const after = readMessage(r.fd);
    return { fdAttr, after: after && (after.kind === MSG.ERROR ? after.attrs[0].value.toString() : `message ${after.kind}`) };
  } finally { closeSync(r.fd); reapChild(r.pid); }
}

t.test('runts-finalize: SECCOMP_FD by the table, and the answer checked as every message read', { skip: process.getuid?.() !== 0 && 'needs root (a filter without no_new_privs)' }, async (t) => {
  const good = seccompAnswer(encode(MSG.SECCOMP_DONE));
  t.type(good.fdAttr, 'number', 'SECCOMP_FD carries FD');
  t.equal(good.after, null, 'SECCOMP_DONE: the process is exec\'d (EOF)');
  t.equal(seccompAnswer(encode(MSG.READY)).after, 'protocol: expected SECCOMP_DONE, got READY');
  t.equal(seccompAnswer(encode(MSG.SECCOMP_DONE, [attr.u32(ATTR.PID, 1)])).after, 'protocol: SECCOMP_DONE: unknown attribute PID');
});
