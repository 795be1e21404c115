// Framing of the sync-socket messages drawn in messages.ts: encode, decode, and blocking
// read/write on a file descriptor (the stages have nothing else to do while they wait).
import { readSync, writeSync } from 'node:fs';
import { ATTR, MSG, msgName, type Attr, type Body, type Message, type MsgName } from './messages.js';
import { checkMessage, decodeBody, encodeBody } from './check.js';
import { debug, debugOn } from '../log-sink.js';
import { RuntsError } from '../errors.js';

export type { Attr, Message } from './messages.js';
import { attr } from './attr.js';
export { attr };

export function encode(kind: number, attrs: Attr[] = []): Buffer {
  const len = attrs.reduce((n, a) => n + 8 + a.value.length, 0);
  const out = Buffer.alloc(8 + len);
  out.writeUInt32LE(len, 0); out.writeUInt32LE(kind, 4);
  let off = 8;
  for (const a of attrs) {
    out.writeUInt32LE(a.type, off); out.writeUInt32LE(a.value.length, off + 4);
    a.value.copy(out, off + 8); off += 8 + a.value.length;
  }
  return out;
}

export function decodeAttrs(payload: Buffer): Attr[] {
  const attrs: Attr[] = [];
  for (let off = 0; off < payload.length;) {
    if (off + 8 > payload.length) throw new RuntsError('stage', 'protocol: truncated attribute');
    const type = payload.readUInt32LE(off), len = payload.readUInt32LE(off + 4);
    if (off + 8 + len > payload.length) throw new RuntsError('stage', 'protocol: attribute overruns its message');
    attrs.push({ type, value: payload.subarray(off + 8, off + 8 + len) });
    off += 8 + len;
  }
  return attrs;
}

function readFull(fd: number, n: number): Buffer | null {
  const buf = Buffer.alloc(n);
  for (let got = 0; got < n;) {
    let r: number;
    try { r = readSync(fd, buf, got, n - got, null); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'EINTR') continue;
      throw e;
    }
    if (r === 0) { if (got === 0) return null; throw new RuntsError('stage', 'protocol: connection closed mid-message'); }
    got += r;
  }
  return buf;
}

/** Reads one message; null on a clean end of stream. */
export function readMessage(fd: number): Message | null {
  const head = readFull(fd, 8);
  if (!head) { debug(`protocol: fd ${fd} <- EOF`); return null; }
  const len = head.readUInt32LE(0), kind = head.readUInt32LE(4);
  if (len > 64 << 20) throw new RuntsError('stage', `protocol: message of ${len} bytes is too large`);
  const payload = len ? readFull(fd, len) : Buffer.alloc(0);
  if (!payload) throw new RuntsError('stage', 'protocol: connection closed mid-message');
  const attrs = decodeAttrs(payload);
  debugMessage('<-', fd, kind, attrs);
  if (kind === MSG.ERROR) debug(`protocol: fd ${fd} <- ERROR: ${getStr({ kind, attrs }, ATTR.MESSAGE) ?? ''}`);
  return { kind, attrs };
}

/** --debug: a message's kind, size and attribute types (never their values: they hold the config). */
function debugMessage(dir: string, fd: number, kind: number, attrs: Attr[]): void {
  if (debugOn()) debug(`protocol: fd ${fd} ${dir} ${msgName(kind)} (${attrs.length} attributes: ${[...new Set(attrs.map((a) => a.type))].join(',') || '-'})`);
}

/** Writes a message after checking it against MESSAGES (protocol/check.ts). */
export function writeMessage(fd: number, kind: number, attrs: Attr[] = []): void {
  checkMessage({ kind, attrs });
  debugMessage('->', fd, kind, attrs);
  const buf = encode(kind, attrs);
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
}

/** Requires a message read (null: the sender is gone) to be `want` (or one of them) and to
 * carry what MESSAGES says; an ERROR message becomes a 'stage' error. */
function expected(m: Message | null, want: number | readonly number[], from: string): Message {
  const wants = typeof want === 'number' ? [want] : want;
  if (!m) throw new RuntsError('stage', `${from} exited before sending ${msgName(wants[0])}`);
  if (m.kind === MSG.ERROR) throw new RuntsError('stage', getStr(m, ATTR.MESSAGE) ?? `${from} failed`);
  if (!wants.includes(m.kind)) throw new RuntsError('stage', `protocol: expected ${wants.map(msgName).join(' or ')} from ${from}, got ${msgName(m.kind)}`);
  checkMessage(m, from);
  return m;
}

/** Reads the next message and requires it to be `want` (or one of them), as `expected` says. */
export function expectMessage(fd: number, want: number | readonly number[], from: string): Message {
  return expected(readMessage(fd), want, from);
}

/** The one message that fills `data` (bytes that came with a file descriptor by SCM_RIGHTS),
 * which must be `name`: checked as receive checks a message read from a socket. */
export function receiveIn<M extends MsgName>(data: Buffer, name: M, from: string): Body<M> {
  if (data.length < 8 || data.readUInt32LE(0) !== data.length - 8) {
    throw new RuntsError('stage', `protocol: expected ${name} from ${from}, got ${data.length} bytes that are not one message`);
  }
  const m = { kind: data.readUInt32LE(4), attrs: decodeAttrs(data.subarray(8)) };
  return decodeBody(name, expected(m, MSG[name], from));
}

/** A message from its typed body, checked against MESSAGES, as bytes to send with an fd. */
export function encodeChecked<M extends MsgName>(name: M, body: Body<M>): Buffer {
  const attrs = encodeBody(name, body);
  checkMessage({ kind: MSG[name], attrs });
  return encode(MSG[name], attrs);
}

/** Reads the next message, which must be `name`, and returns its typed body. */
export function receive<M extends MsgName>(fd: number, name: M, from: string): Body<M> {
  return decodeBody(name, expectMessage(fd, MSG[name], from));
}

/** Writes a message from its typed body. */
export function send<M extends MsgName>(fd: number, name: M, body: Body<M>): void {
  writeMessage(fd, MSG[name], encodeBody(name, body));
}

export function getStr(m: Message, type: number): string | undefined {
  const a = m.attrs.find((x) => x.type === type);
  return a?.value.toString();
}

export function sendError(fd: number, message: string): void {
  writeMessage(fd, MSG.ERROR, [attr.str(ATTR.MESSAGE, message)]);
}
