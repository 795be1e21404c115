// Where messages go: one plain line on stderr for errors and warnings, and, with --log,
// one line per message in the log file (JSON objects {"level","msg","time"} with
// --log-format json, logfmt-style text otherwise). Logged once, at the top.
import { appendFileSync, writeSync } from 'node:fs';
import { setLogSink } from '../container/log.js';

export interface LogOpts { log?: string; logFormat: string; debug: boolean }
let opts: LogOpts = { logFormat: 'text', debug: false };

function toFile(level: string, msg: string): void {
  if (!opts.log) return;
  const time = new Date().toISOString();
  const line = opts.logFormat === 'json'
    ? JSON.stringify({ level, msg, time })
    : `time="${time}" level=${level} msg=${JSON.stringify(msg)}`;
  try { appendFileSync(opts.log, line + '\n'); } catch { /* the stderr line still tells */ }
}

export function log(level: 'error' | 'warning' | 'debug', msg: string): void {
  if (level === 'debug' && !opts.debug) return;
  toFile(level, msg);
  try { writeSync(2, `runts: ${level === 'error' ? '' : level + ': '}${msg}\n`); } catch { /* no stderr */ }
}

export function setupLog(o: LogOpts): void {
  opts = o;
  setLogSink(log);
}

/** Output on stdout without creating process.stdout (which would touch the fd's flags). */
export function out(text: string): void {
  const b = Buffer.from(text);
  for (let off = 0; off < b.length;) off += writeSync(1, b, off);
}
