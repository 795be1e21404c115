// Reads a bundle: config.json parsed, validated (schema, then the rules a schema cannot say) and its
// root.path resolved. Every error names config.json and, where there is one, the JSON path.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import type { Spec } from './types.js';
import { validateConfig } from './validate.js';

export interface Bundle { spec: Spec; bundle: string; rootfs: string }

export function loadBundleConfig(bundleArg: string): Bundle {
  const bundle = resolve(bundleArg || '.');
  const spec = validateConfig(parseConfig(join(bundle, 'config.json')));
  const rootfs = isAbsolute(spec.root!.path) ? spec.root!.path : join(bundle, spec.root!.path);
  let isDir: boolean;
  try { isDir = statSync(rootfs).isDirectory(); } catch (e) {
    throw new ConfigError(`invalid rootfs: stat ${rootfs}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (!isDir) throw new ConfigError(`invalid rootfs: ${rootfs}: not a directory`);
  return { spec, bundle, rootfs };
}

function parseConfig(path: string): unknown {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigError('JSON specification file config.json not found');
    throw new ConfigError(`config.json: ${(e as Error).message}`);
  }
  try { return JSON.parse(text); } catch (e) {
    throw new ConfigError(`config.json: invalid JSON: ${(e as Error).message}`);
  }
}
