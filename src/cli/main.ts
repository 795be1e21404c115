// The runts command line with every command (dist/runts.bundle.js).
import { runCli } from './dispatch.js';
import { createCmd } from './commands/create.js';
import { runCmd } from './commands/run.js';
import { LITE_COMMANDS } from './lite-commands.js';
import { featuresCmd, specCmd } from './commands/spec.js';
import { execCmd } from './commands/exec.js';
import { eventsCmd, pauseCmd, psCmd, resumeCmd, updateCmd } from './commands/cgroup-cmds.js';

// start, state, kill, delete, list come from the lite bundle's table, in this order
runCli([createCmd, runCmd, ...LITE_COMMANDS, execCmd, pauseCmd, resumeCmd, psCmd, updateCmd, eventsCmd, specCmd, featuresCmd]);
