// The commands of the lite bundle (dist/runts-lite.bundle.js): the ones that read and end
// containers, which containerd and scripts call most. They start without the validators, the
// seccomp compiler and the create and exec code. lite.json names them for dist/runts.js, which
// picks the bundle before loading either (scripts/build.mjs).
import { deleteCmd, killCmd, startCmd, stateCmd } from './commands/lifecycle.js';
import { listCmd } from './commands/list.js';
import type { Command } from './command.js';

export const LITE_COMMANDS: Command[] = [startCmd, stateCmd, killCmd, deleteCmd, listCmd];
