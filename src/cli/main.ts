// The runts command line with every command (dist/runts.bundle.js).
import { runCli } from './dispatch.js';
import { createCmd } from './commands/create.js';
import { runCmd } from './commands/run.js';
import { deleteCmd, killCmd, startCmd, stateCmd } from './commands/lifecycle.js';
import { listCmd } from './commands/list.js';
import { featuresCmd, specCmd } from './commands/spec.js';
import { execCmd } from './commands/exec.js';
import { eventsCmd, pauseCmd, psCmd, resumeCmd, updateCmd } from './commands/cgroup-cmds.js';

runCli([createCmd, runCmd, startCmd, stateCmd, killCmd, deleteCmd, listCmd, execCmd,
  pauseCmd, resumeCmd, psCmd, updateCmd, eventsCmd, specCmd, featuresCmd]);
