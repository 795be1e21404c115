// Staying attached to a process (foreground `run` and `exec`): signals runts receives go to the
// process, a foreground console is proxied, and the result is the process's exit status in
// the shell's convention (128+N: killed by signal N). As runc, SIGWINCH is never forwarded: it
// resizes the console.
import { constants } from 'node:os';
import { exitCode, signalIfSame, waitChild } from '../linux/process.js';
import type { ProxyConsole } from './console.js';
import { TtyProxy } from './tty-proxy.js';

/** As runc: every signal Node lets a process catch, except SIGCHLD, SIGWINCH, SIGURG (and SIGPROF, V8's). */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGCONT', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGPIPE', 'SIGVTALRM', 'SIGXCPU', 'SIGXFSZ', 'SIGPWR', 'SIGSYS', 'SIGIO', 'SIGTRAP', 'SIGSTKFLT'] as const;

/** Catches the signals before the process exists (as runc, which sets its handler up before the
 * start): they wait in a queue and go to the process once `to` names it. */
export class SignalForwarder {
  private queue: number[] = [];
  private target?: { pid: number; start: string };

  constructor() {
    for (const sig of FORWARDED) process.on(sig, () => this.deliver(constants.signals[sig]));
  }

  to(pid: number, start: string | undefined): void {
    if (!start) return; // already gone: nothing to signal
    this.target = { pid, start };
    for (const sig of this.queue.splice(0)) this.deliver(sig);
  }

  private deliver(sig: number): void {
    if (this.target) signalIfSame(this.target.pid, this.target.start, sig);
    else this.queue.push(sig);
  }
}

/** Waits for pid (a child of runts) to exit; start is its start time, for pid-reuse safety. */
export async function attach(signals: SignalForwarder, pid: number, start: string | undefined, console?: ProxyConsole): Promise<number> {
  const proxy = console && new TtyProxy(console);
  signals.to(pid, start);
  try {
    proxy?.start();
    const status = await waitChild(pid);
    proxy?.finish();
    return exitCode(status);
  } finally { proxy?.close(); }
}
