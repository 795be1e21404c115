// Where the criu binary is: --criu's path (or name), else `criu` on PATH or in the sbin dirs
// (root's PATH may lack them). Loads nothing but node:fs (`features` asks it too).
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { RuntsError } from '../errors.js';

const SEARCH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function executable(p: string): boolean {
  try { accessSync(p, constants.X_OK); return true; } catch { return false; }
}

/** The criu binary: --criu's path (or a name looked up on PATH), else `criu` on PATH. */
export function findCriu(given?: string): string {
  const name = given || 'criu';
  if (name.includes('/')) {
    if (!executable(name)) throw new RuntsError('runtime', `criu not found: ${name} is not an executable file`);
    return name;
  }
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH];
  const found = dirs.map((d) => join(d, name)).find(executable);
  if (!found) throw new RuntsError('runtime', `criu not found: no ${name} in PATH (install criu, or give its path with --criu)`);
  return found;
}

/** Whether findCriu finds a criu (features' checkpoint annotation). */
export function hasCriu(given?: string): boolean {
  try { findCriu(given); return true; } catch { return false; }
}

