// Where messages go: one plain line on stderr for errors and warnings, and, with --log,
// one line per message in the log file (JSON objects {"level","msg","time"} with
// --log-format json, logfmt-style text otherwise). Logged once, at the top.
import { appendFileSync, writeSync } from 'node:fs';
import { setLogSink } from '../log-sink.js';

export interface LogOpts { log?: string; logFormat: string; debug: boolean }
let opts: LogOpts = { logFormat: 'text', debug: false };

/** logrus' text format, as runc writes its lines. */
const logfmt = (level: string, msg: string): string => `time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}`;

function toFile(level: string, msg: string): void {
  if (!opts.log) return;
  const line = opts.logFormat === 'json' ? JSON.stringify({ level, msg, time: new Date().toISOString() }) : logfmt(level, msg);
  try { appendFileSync(opts.log, line + '\n'); } catch { /* the stderr line still tells */ }
}

const MAX_LINE = 4096;
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** The message on one line: what it echoes of its input (an id, a path, a hook's output) may
 * hold newlines or other control characters; they are written escaped, as in a JSON string.
 * Longer than MAX_LINE, its middle is cut (the --log file keeps it whole). */
export function oneLine(msg: string): string {
  // a 1 MB path or hostname in config.json would come back whole in "got ..." or a syscall's text
  if (msg.length > MAX_LINE) msg = `${msg.slice(0, MAX_LINE - 100)}...(${msg.length - MAX_LINE + 80} characters cut)...${msg.slice(-20)}`;
  // eslint-disable-next-line no-control-regex -- the control characters are what it escapes
  return msg.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (ch) => SHORT[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An error or warning: stderr and the --log file. A --debug line: the --log file if there is one
 * (as runc's), else stderr. */
export function log(level: 'error' | 'warning' | 'debug', msg: string): void {
  if (level === 'debug' && !opts.debug) return;
  toFile(level, msg);
  if (level === 'debug') {
    // runc's debug lines: to the --log file when there is one, else to stderr in logrus' text form
    if (!opts.log) try { writeSync(2, logfmt(level, msg) + '\n'); } catch { /* no stderr */ }
    return;
  }
  try { writeSync(2, `runts: ${level === 'error' ? '' : level + ': '}${oneLine(msg)}\n`); } catch { /* no stderr */ }
}

export function setupLog(o: LogOpts): void {
  opts = o;
  setLogSink(log, o.debug);
}

/** Output on stdout without creating process.stdout (which would touch the fd's flags). */
export function out(text: string): void {
  const b = Buffer.from(text);
  for (let off = 0; off < b.length;) off += writeSync(1, b, off);
}
