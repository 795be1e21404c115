// The runts command line with the lite commands only (lite-commands.ts).
import { runCli } from './dispatch.js';
import { LITE_COMMANDS } from './lite-commands.js';

runCli(LITE_COMMANDS);
