// The one entry of the compiled runts (scripts/build.mjs): the container init when runts-nsexec
// starts it through the hidden first argument (launcher.ts's stagePaths), else the command
// line. Each side is required only when chosen, so neither evaluates the other's modules.
import { INIT_ENTRY, useLibDir } from './layout.js';
import { step } from './trace.js';

step('engine started');

/* eslint-disable @typescript-eslint/no-require-imports */
if (process.argv[2] === INIT_ENTRY) {
  useLibDir(process.argv[3]);
  (require('../init/main.js') as typeof import('../init/main.js')).runInit(process.argv.slice(4));
} else {
  (require('../cli/main.js') as typeof import('../cli/main.js')).main();
}
