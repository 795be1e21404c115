import type { OptSpec } from './args.js';

export interface Globals { root: string; systemdCgroup: boolean; debug: boolean; /** --criu: the criu binary */ criu?: string }

/** One command: its options, how many positional arguments, and the one library call it makes. */
export interface Command {
  name: string;
  usage: string;
  /** one line for `runts --help` */
  summary: string;
  /** runc's urfave/cli moves options that follow the arguments in front of them, but for exec and ps */
  keepOrder?: boolean;
  args: [min: number, max: number];
  options: OptSpec;
  /** exit status for errors (runc: 255 for exec, 1 otherwise) */
  errorStatus?: number;
  run(g: Globals, opts: Record<string, unknown>, args: string[]): void | number | Promise<void | number>;
}
