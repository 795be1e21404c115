// Where the compiled runts finds its own files, from the path of its executable (never the
// bundle's build-time __dirname, which Bun bakes in). Installed (`make install`):
// PREFIX/bin/runts and PREFIX/lib/runts/{runts-nsexec,runts-finalize,runts-idmap,koffi.node}.
// In the checkout (`make build`): bin/runts and native/build/ holding the same files.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The running executable (the compiled runts; under Node, tests only: node itself). */
export const selfExe = (): string => process.execPath;

let dir: string | undefined;

/** The directory of the C stages and koffi's native module. */
export function libDir(): string {
  if (dir !== undefined) return dir;
  const top = join(dirname(selfExe()), '..');
  const installed = join(top, 'lib', 'runts');
  dir = existsSync(join(installed, 'runts-nsexec')) ? installed : join(top, 'native', 'build');
  return dir;
}

/** The hidden first argument that makes the executable the container init (src/engine/main.ts). */
export const INIT_ENTRY = '--runts-init';

/** The init: the lib dir its argv names (launcher.ts's stagePaths puts it after INIT_ENTRY:
 * the init's sealed executable has another path than the CLI's). */
export function useLibDir(path: string): void { dir = path; }

/** Set by scripts/build.mjs in the compiled executable. */
declare const RUNTS_COMPILED: boolean | undefined;

/** True in the executable Bun compiled; false when the sources run under Node (tests). */
export const isCompiled = (): boolean => typeof RUNTS_COMPILED === 'boolean' && RUNTS_COMPILED;
