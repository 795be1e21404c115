// Runs one OCI hook: path, args (args[0] is argv[0]), env, the state JSON on stdin, and a
// timeout after which it is killed, in the directory the phase runs in (runc: the bundle for
// the runtime's hooks, the container's root for createContainer). Used by the parent and by the
// Node init.
import type * as ChildProcess from 'node:child_process';
import { existsSync } from 'node:fs';
import { cloexecFrom } from './fd.js';
import { debug } from '../log-sink.js';
import { wrap, RuntsError } from '../errors.js';

/** A program to run (a config's hook: the spec's Hook has this shape). */
export interface Hook { path: string; args?: string[]; env?: string[]; timeout?: number }

function envObject(list: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

/** Throws an Error naming the phase, the hook and what went wrong. */
export function runHook(hook: Hook, stateJson: string, phase: string, index: number, cwd: string): void {
  const name = `error running ${phase} hook #${index}`;
  // Loaded here, not at start-up: child_process pulls in net, stream and dgram (state and list never run hooks).
  const { spawnSync } = require('node:child_process') as typeof ChildProcess;
  // A hook gets stdin (the state), stdout and stderr, nothing else of runts or of its caller
  // (child_process passes on every fd without close-on-exec; the createContainer hook runs in
  // the container's mount namespace, where a host directory's fd is a way out).
  cloexecFrom(3);
  debug(`hook: ${phase} #${index}: ${hook.path} in ${cwd}`);
  const r = spawnSync(hook.path, (hook.args ?? [hook.path]).slice(1), {
    argv0: hook.args?.[0] ?? hook.path, env: envObject(hook.env), input: stateJson,
    timeout: hook.timeout ? hook.timeout * 1000 : undefined, killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 20, cwd: existsSync(cwd) ? cwd : '/',
  });
  const err = r.error as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ETIMEDOUT') throw new RuntsError('runtime', `${name}: ${hook.path}: timeout after ${hook.timeout} seconds`);
  if (err && err.code !== 'EPIPE') throw wrap(err, `${name}: ${hook.path}`);
  if (r.status === 0) return;
  const how = r.signal ? `signal: ${r.signal}` : `exit status ${r.status}`;
  throw new RuntsError('runtime', `${name}: ${hook.path}: ${how}, stdout: ${String(r.stdout ?? '').trim()}, stderr: ${String(r.stderr ?? '').trim()}`);
}

export function runHooks(hooks: Hook[] | undefined, stateJson: string, phase: string, cwd: string): void {
  (hooks ?? []).forEach((h, i) => runHook(h, stateJson, phase, i, cwd));
}
