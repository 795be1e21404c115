// Waiting for runts-finalize to exec the process (start: on the exec socket's connection; exec:
// on the sync socket). EOF means it exec'd (the connection is close-on-exec); ERROR says why not;
// SECCOMP_FD hands over the seccomp listener (see protocol/messages.ts).
import { ATTR, MSG, msgName } from '../protocol/messages.js';
import { getStr, readMessage, writeMessage } from '../protocol/framing.js';
import { checkMessage, decodeBody } from '../protocol/check.js';

/** Returns '' once the process has exec'd, or the error text; `onListener(fd number in finalize)`
 * delivers the seccomp listener, and an error it throws becomes the failure (finalize then sees EOF). */
export function awaitExec(fd: number, onListener: (fdInFinalize: number) => void): string {
  for (let m; (m = readMessage(fd));) {
    if (m.kind === MSG.ERROR) return getStr(m, ATTR.MESSAGE) ?? 'runts-finalize failed';
    if (m.kind !== MSG.SECCOMP_FD) return `protocol: unexpected ${msgName(m.kind)} from runts-finalize`;
    try {
      checkMessage(m, 'runts-finalize');
      onListener(decodeBody('SECCOMP_FD', m).FD);
    } catch (e) { return (e as Error).message; }
    writeMessage(fd, MSG.SECCOMP_DONE);
  }
  return '';
}
