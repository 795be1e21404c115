// Console helpers for the integration tests: the --console-socket receiver (test/prog/console-
// receiver.c) in the background, and a runtime command run under script(1), which gives it a
// terminal of its own (a foreground terminal container needs one, as with runc).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, globalArgs, REPO, RT_ENV, type Harness } from './runtime.js';
import { alive, run, shq, waitFor, type Result } from './host.js';

export const RECEIVER = join(REPO, 'test/prog/build/console-receiver');

export interface Received {
  status: number | null;
  /** the receiver's first line: fds, master, ptn, name, rows, cols */
  header: Record<string, string>;
  /** every byte read from the pty master */
  output: string;
}

/** Starts the receiver listening at `sock` (in dir) with the given steps; resolves when it exits. */
export function receiver(dir: string, steps: string[], name = 'console.sock'): { sock: string; done: Promise<Received>; stop(): void } {
  const sock = join(dir, name), outFile = join(dir, `${name}.out`);
  const out = openSync(outFile, 'w');
  const child = spawn(RECEIVER, [sock, ...steps], { stdio: ['ignore', out, out] });
  closeSync(out);
  const done = new Promise<Received>((resolve) => child.on('exit', (status) => {
    let text = '';
    try { text = readFileSync(outFile, 'utf8'); } catch { /* stopped after its test's teardown */ }
    const nl = text.indexOf('\n');
    const header = Object.fromEntries(text.slice(0, nl < 0 ? text.length : nl).split(' ').map((kv) => kv.split('=') as [string, string]));
    resolve({ status, header, output: nl < 0 ? '' : text.slice(nl + 1) });
  }));
  waitFor(`the console receiver to listen at ${sock}`, () => existsSync(sock) || child.exitCode !== null, 10_000, 10);
  return { sock, done, stop: () => { if (child.exitCode === null) child.kill('SIGKILL'); } };
}

/** The sh command line script(1) runs: setup, argv, after, then "rc=N" (argv's exit status). */
function scriptCommand(argv: string[], o: { setup?: string; after?: string }): string {
  return `${o.setup ? o.setup + '; ' : ''}${argv.map(shq).join(' ')}; rc=$?; ${o.after ? o.after + '; ' : ''}echo rc=$rc`;
}

/** Runs `argv` under script(1) with `input` on script's stdin; stdout is the terminal's output,
 * ending with "rc=N" (the command's exit status). */
export function underScript(argv: string[], o: { input?: string; setup?: string; after?: string; seconds?: number } = {}): Result & { rc?: number } {
  const r = run(['script', '-qec', scriptCommand(argv, o), '/dev/null'], { input: o.input ?? '', seconds: o.seconds ?? 30, env: RT_ENV });
  return { ...r, rc: exitStatus(r.stdout) };
}

/** Starts `argv` under script(1) in the background; `output()` reads what the terminal showed so far. */
export function spawnUnderScript(dir: string, argv: string[], o: { setup?: string; after?: string } = {}) {
  const file = join(dir, `script-${process.hrtime.bigint()}.out`);
  const out = openSync(file, 'w');
  const child = spawn('script', ['-qec', scriptCommand(argv, o), '/dev/null'], { stdio: ['pipe', out, out], env: RT_ENV });
  closeSync(out);
  const done = new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));
  return { child, done, output: () => readFileSync(file, 'utf8') };
}

const exitStatus = (out: string) => { const m = /rc=(\d+)\s*$/.exec(out); return m ? Number(m[1]) : undefined; };

/**
 * Runs `argv` under script(1) and types `input` on its terminal only once the terminal shows
 * `ready` (printed by the process: the runtime has put the terminal in raw mode by then), then
 * ends script's input. Typed earlier, the input waits in the line discipline in canonical mode,
 * and the ^D script sends at the end of its input (once that queue is read, or after 2 s anyway)
 * becomes a NUL byte, not an end of file, when the runtime makes the terminal raw: a runtime that
 * starts slowly (under emulation) left the process reading stdin forever. Resolves with what the
 * terminal showed and argv's exit status (the "rc=N" line); script is killed after `seconds`.
 */
export async function typeWhenReady(dir: string, argv: string[], o: { ready: RegExp; input: string; setup?: string; after?: string; seconds?: number }): Promise<{ stdout: string; rc?: number }> {
  const fg = spawnUnderScript(dir, argv, o);
  const ms = (o.seconds ?? 60) * 1000;
  const stop = () => { if (fg.child.exitCode === null && fg.child.signalCode === null) fg.child.kill('SIGKILL'); };
  const timer = setTimeout(stop, ms);
  fg.child.stdin!.on('error', () => undefined); // script already gone: its output says why
  try {
    waitFor(`the terminal to show ${o.ready}`, () => o.ready.test(fg.output()) || !alive(fg.child.pid!), ms);
    fg.child.stdin!.end(o.input);
    await fg.done;
  } finally { clearTimeout(timer); stop(); }
  const stdout = fg.output();
  return { stdout, rc: exitStatus(stdout) };
}

/** The runtime's argv with the harness's global options, for commands run under another program. */
export function rtArgv(h: Harness, args: string[]): string[] {
  return [BIN, ...globalArgs(h.root), ...args];
}

/** Runs the runtime in a new session without a controlling terminal and with stdio off any terminal. */
export function withoutTerminal(h: Harness, args: string[]): Result {
  return run(['setsid', '-w', ...rtArgv(h, args)], { env: RT_ENV });
}
