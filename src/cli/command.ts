import type { OptSpec } from './args.js';

export interface Globals { root: string; systemdCgroup: boolean; debug: boolean }

/** One command: its options, how many positional arguments, and the one library call it makes. */
export interface Command {
  name: string;
  usage: string;
  args: [min: number, max: number];
  options: OptSpec;
  /** exit status for errors (runc: 255 for exec, 1 otherwise) */
  errorStatus?: number;
  run(g: Globals, opts: Record<string, unknown>, args: string[]): void | number | Promise<void | number>;
}
