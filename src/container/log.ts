// Warnings from deep inside an operation go through here; the CLI decides where they land
// (stderr, and the --log file in the chosen format).
type Sink = (level: 'warning' | 'error' | 'debug', msg: string) => void;
let sink: Sink = () => undefined;

export function setLogSink(s: Sink): void { sink = s; }
export function warn(msg: string): void { sink('warning', msg); }
export function debug(msg: string): void { sink('debug', msg); }
