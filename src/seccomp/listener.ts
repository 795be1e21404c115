// SCMP_ACT_NOTIFY: the runtime connects to listenerPath and sends the container process state
// (config-linux.md) with the seccomp listener fd as SCM_RIGHTS, one state per connection, then
// closes it. runts-finalize reports the listener's fd number right after loading the filter; the
// runts process waiting for it (start, or exec) copies the fd with pidfd_getfd and sends it here,
// as runc does: finalize itself makes no syscall a profile may notify (sendmsg, connect...).
import { closeSync } from 'node:fs';
import { connectUnixPath } from '../linux/fd.js';
import { copyFdFrom, sendWithFd } from '../linux/fd-transfer.js';
import { OCI_VERSION, type Seccomp, type State } from '../spec/types.js';
import { wrap, RuntsError } from '../errors.js';

/** The container process state; `pid` is the process the filter is loaded in (the init, or an exec'd process). */
export function processState(pid: number, metadata: string | undefined, state: State): string {
  return JSON.stringify({ ociVersion: OCI_VERSION, fds: ['seccompFd'], pid, ...(metadata !== undefined && { metadata }), state });
}

/** Copies the listener (fd `fdInPid` of `pid`) and sends it with the state to the profile's agent. */
export function sendListener(s: Seccomp | undefined, pid: number, fdInPid: number, state: State): void {
  const path = s?.listenerPath;
  if (!path) throw new RuntsError('runtime', 'seccomp: runts-finalize has a listener fd, but the config has no listenerPath');
  const fd = copyFdFrom(pid, fdInPid);
  let sock = -1;
  try {
    sock = connectUnixPath(path);
    sendWithFd(sock, Buffer.from(processState(pid, s.listenerMetadata, state)), fd);
  } catch (e) {
    throw wrap(e, `failed to send the seccomp listener to the agent at ${path} (listenerPath)`);
  } finally {
    closeSync(fd);
    if (sock >= 0) closeSync(sock);
  }
}
