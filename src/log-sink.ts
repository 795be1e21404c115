// Where messages from deep inside runts go: the CLI sets the sink (src/cli/log.ts: stderr and the
// --log file); below it, warn() and debug() are all a module needs. Imports nothing.
export type Level = 'warning' | 'error' | 'debug';
type Sink = (level: Level, msg: string) => void;
let sink: Sink = () => undefined;
let debugging = false;

export function setLogSink(s: Sink, debug: boolean): void { sink = s; debugging = debug; }
export function warn(msg: string): void { sink('warning', msg); }
/** A --debug line (cheap when --debug is off: check `debugOn()` before building a costly text). */
export function debug(msg: string): void { if (debugging) sink('debug', msg); }
export const debugOn = (): boolean => debugging;
