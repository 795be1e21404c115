// Reads a bundle: config.json parsed, checked (src/spec/check/config.ts) and its root.path resolved. Every error names config.json and, where there is one, the JSON path.
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseJsonText } from './json-text.js';
import { readInputFile } from './read-input.js';
import type { Spec } from './types.js';
import { checkConfig, checkConfigOnHost } from './check/config.js';
import { RuntsError } from '../errors.js';

export interface Bundle { spec: Spec; bundle: string; rootfs: string }

export function loadBundleConfig(bundleArg: string): Bundle {
  const bundle = resolve(bundleArg || '.');
  const spec = checkConfig(parseConfig(join(bundle, 'config.json')));
  const rootfs = isAbsolute(spec.root!.path) ? spec.root!.path : join(bundle, spec.root!.path);
  let isDir: boolean;
  try { isDir = statSync(rootfs).isDirectory(); } catch (e) {
    throw new RuntsError('config', `invalid rootfs: stat ${rootfs}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (!isDir) throw new RuntsError('config', `invalid rootfs: ${rootfs}: not a directory`);
  checkConfigOnHost(spec);
  return { spec, bundle, rootfs };
}

function parseConfig(path: string): unknown {
  const fail = (msg: string) => new RuntsError('config', msg);
  const text = readInputFile(path, 'config.json', fail, { missing: 'JSON specification file config.json not found' });
  return parseJsonText(text, 'config.json', fail);
}
