import type { OptSpec } from './args.js';
import type { ErrorKind } from '../errors.js';

export interface Globals { root: string; systemdCgroup: boolean; debug: boolean }

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
  /** the kind of every error of the command, whatever failed (exec's: its exit status is 255, as runc's) */
  errorKind?: ErrorKind;
  run(g: Globals, opts: Record<string, unknown>, args: string[]): void | number | Promise<void | number>;
}
