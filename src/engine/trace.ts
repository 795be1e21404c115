// Timestamps per step, for finding where a call's time goes (docs/PERFORMANCE.md): with
// RUNTS_TRACE=1 in the CLI's environment (the init, which runs with an empty environment, is
// told through its plan), each step prints one line on stderr:
//   runts-trace PID WALL_MS SINCE_START_MS STEP
// WALL_MS is the wall clock (comparable between the CLI and the init), SINCE_START_MS counts
// from the process's exec (the engine's own start included).
import { writeSync } from 'node:fs';
import { debug } from '../log-sink.js';

let on = process.env.RUNTS_TRACE === '1';

/** The init turns tracing on when its plan says the CLI traces. */
export function setTracing(enabled: boolean): void { on = enabled; }
export const tracing = (): boolean => on;

/** A step of the call: a trace line (RUNTS_TRACE=1) and a --debug line. */
export function step(name: string): void {
  if (on) traceAt(name, performance.now());
  debug(`step: ${name}`);
}

/** A step that happened `since` ms after the start (recorded before tracing was known). */
export function traceAt(name: string, since: number): void {
  if (!on) return;
  try {
    writeSync(2, `runts-trace ${process.pid} ${(performance.timeOrigin + since).toFixed(2)} ${since.toFixed(2)} ${name}\n`);
  } catch { /* stderr closed: no trace */ }
}
