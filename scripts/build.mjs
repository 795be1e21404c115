// Builds bin/runts: ONE executable compiled by Bun (`bun build --compile --bytecode`) from
// src/engine/main.ts, holding the command line and the container init (its hidden entry).
// koffi stays outside the executable: its native module is copied next to the C stages
// (native/build/koffi.node; `make install` puts both under PREFIX/lib/runts) and loaded from
// there by its absolute path (src/engine/layout.ts), never unpacked into a temp dir.
// Node runs this script (the toolchain); Bun's binary comes from npm's platform package.
import { execFileSync, execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const BUN_VERSION = pkg.devDependencies.bun;
let commit = 'unknown';
try { commit = execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { /* not a checkout */ }

/** Bun's binary at the pinned version: the platform package's bin/bun when npm did not run
 * bun's install script, else node_modules/bun/bin/bun.exe, where that script moves it (without
 * the script, bun.exe is a small placeholder). */
function findBun() {
  const candidates = [
    `node_modules/@oven/bun-${process.platform}-${process.arch}/bin/bun`,
    'node_modules/bun/bin/bun.exe',
  ];
  for (const file of candidates) {
    if (!existsSync(file) || statSync(file).size < 1 << 20) continue;
    const v = execFileSync(file, ['--version']).toString().trim();
    if (v === BUN_VERSION) return file;
    throw new Error(`${file} is Bun ${v}, package.json pins ${BUN_VERSION}: run npm ci`);
  }
  throw new Error(`no Bun ${BUN_VERSION} binary in ${candidates.join(' or ')}: run npm ci`);
}

/** The native module `require('koffi')` loads on this machine, and its version. */
function koffiNative() {
  const require = createRequire(import.meta.url);
  const k = require('koffi');
  const file = Object.keys(require.cache).find((f) => f.endsWith('.node'));
  if (!file) throw new Error('koffi loaded no native module');
  return { file, version: k.version };
}

const bun = findBun();
const koffi = koffiNative();
mkdirSync('native/build', { recursive: true });
copyFileSync(koffi.file, 'native/build/koffi.node.tmp');
renameSync('native/build/koffi.node.tmp', 'native/build/koffi.node');

const define = {
  RUNTS_VERSION: JSON.stringify(pkg.version), RUNTS_COMMIT: JSON.stringify(commit), RUNTS_COMPILED: 'true',
};
execFileSync(bun, [
  'build', 'src/engine/main.ts', '--compile', '--bytecode', '--target=bun', '--external=koffi',
  // a root runtime reads no .env or bunfig.toml from whatever directory it is called in
  '--no-compile-autoload-dotenv', '--no-compile-autoload-bunfig',
  // JSC tiers functions up 1000x later: a call is a few ms of mostly run-once code, where JIT
  // compiling costs more than it gains (A/B, CPU time per call: state 8.6 -> 7.5 ms, create
  // 22.6 -> 20.1, start 11.8 -> 11.3, delete 12.8 -> 11.6; BUN_JSC_useJIT=0 gave state 6.6,
  // but JSC options can only come from the environment)
  '--compile-jit-policy=1000',
  ...Object.entries(define).map(([k, v]) => `--define=${k}=${v}`),
  '--outfile', join('bin', 'runts.tmp'),
], { stdio: ['ignore', 'ignore', 'inherit'] });
renameSync('bin/runts.tmp', 'bin/runts');
