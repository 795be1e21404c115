// criu's RPC, as runc uses it: `criu swrk 3` serves one request on fd 3, one end of a seqpacket
// socketpair whose other end runts keeps. Each message is one protobuf (protobuf.ts, the tables
// in rpc-schema.ts): runts sends the request; criu answers with notifications (with
// notify_scripts: one per action, "setup-namespaces", "post-restore", ...; "orphan-pts-master"
// carries a pty master as SCM_RIGHTS), each of which runts answers, and ends with the response
// to the request. criu opens images_dir_fd and work_dir_fd through /proc/<runts' pid>/fd (the
// socket's peer), and inherit_fd's numbers are its own fds: 0-2 are runts', 3 the socket, then
// `fds` from 4 on. After a pre-dump criu waits for the next request (a series of pre-dumps, then
// a dump, in one conversation); runts, as runc, sends none: criu reads the socket's end and exits
// with an error, which fails nothing once it answered the pre-dump. A failure is one line: criu's
// cr_errmsg or its log's last error, and the log.
import { closeSync, writeSync } from 'node:fs';
import { spawnWithFds } from '../linux/spawn.js';
import { exitCode, waitChild } from '../linux/process.js';
import { socketPair } from '../linux/fd.js';
import { recvMessage } from '../linux/recv-message.js';
import { CRIU_ENV, criuError, lastCriuError } from './binary.js';
import { decode, encode } from './protobuf.js';
import { criuReq, criuResp, REQ, type CriuOpts, type CriuResp } from './rpc-schema.js';

/** A notification: criu's action, the restored init's pid (setup-namespaces, post-restore), the
 * fds that came with it (closed once the handler returns). */
export interface Notify { script: string; pid?: number; fds: number[] }

export interface SwrkRequest {
  bin: string; type: number; opts: CriuOpts;
  /** criu's fds 4, 5, ... (inherit_fd's) */
  fds: number[];
  /** criu's log, for errors; what names the operation ("restore") */
  log: string; what: string;
  /** runs once criu is started, before the request goes (runc puts criu into the cgroups then) */
  started?(pid: number): void;
  notify(n: Notify): void | Promise<void>;
}

const MAX_MESSAGE = 64 * 1024;
const closeAll = (fds: number[]) => fds.forEach((fd) => closeSync(fd));

/** Reads criu's messages until the response to the request; answers each notification. */
async function converse(sock: number, r: SwrkRequest): Promise<CriuResp> {
  for (;;) {
    const { data, fds } = await recvMessage(sock, MAX_MESSAGE, 'criu\'s rpc socket');
    const resp = (data.length ? decode(criuResp, data) : {}) as CriuResp; // none: criu exited (its status and log say why)
    if (resp.type !== REQ.NOTIFY || !resp.success) { closeAll(fds); return resp; }
    try {
      await r.notify({ script: resp.notify?.script ?? '', pid: resp.notify?.pid, fds });
    } finally { closeAll(fds); }
    writeSync(sock, encode(criuReq, { type: REQ.NOTIFY, notifySuccess: true }));
  }
}

/** Runs `criu swrk` for one request; criu's response once it succeeded and exited. */
export async function criuSwrk(r: SwrkRequest): Promise<CriuResp> {
  const [mine, theirs] = socketPair('seqpacket');
  let pid: number;
  try { pid = spawnWithFds(r.bin, ['criu', 'swrk', '3'], [0, 1, 2, theirs, ...r.fds], CRIU_ENV); } catch (e) {
    closeSync(mine); throw e;
  } finally { closeSync(theirs); } // criu's exit is then EOF on mine
  let resp: CriuResp = {}, failure: unknown;
  try {
    r.started?.(pid);
    writeSync(mine, encode(criuReq, { type: r.type, opts: r.opts }));
    resp = await converse(mine, r);
  } catch (e) { failure = e; }
  closeSync(mine); // criu, if still there, reads EOF and ends
  const status = exitCode(await waitChild(pid));
  if (failure) throw failure;
  if (resp.success && resp.type === r.type && (status === 0 || r.type === REQ.PRE_DUMP)) return resp;
  throw criuError(r.what, failureText(resp, status, r.log), r.log);
}

/** Why criu failed: its own message, else its log's last error, else its status or errno. */
function failureText(resp: CriuResp, status: number, log: string): string {
  if (resp.crErrmsg) return resp.crErrmsg;
  const logged = lastCriuError(log);
  if (logged) return logged;
  if (status) return `criu exited with status ${status}`;
  return resp.success === false ? `criu failed with errno ${resp.crErrno ?? 0}` : 'criu answered nothing';
}
