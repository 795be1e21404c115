// `make lint` as a test, so that the suite keeps the code passing eslint.config.mjs. ESLint's
// cache (node_modules/.cache) makes a second run read only the files that changed; a fresh
// clone (CI) lints every file. The cache keys on each file's content: a change of types in one
// file that breaks another, unchanged one is seen by `make lint` (no cache) or a fresh clone.
// A full run takes ~22 s of CPU; on a machine loaded by the rest of the suite (and other work)
// that was 5 minutes once, hence the longer timeout than tap's default for this file.
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');
const eslint = join(root, 'node_modules', '.bin', 'eslint');
const generated = join(root, 'src', 'spec', 'generated', 'validators.js');
const skip = !existsSync(eslint) ? 'eslint is not installed (npm ci installs it)'
  : !existsSync(generated) ? 'the generated validators are missing (make build or make lint makes them)' : false;

t.setTimeout(900_000);

t.test('the sources pass eslint.config.mjs', { skip }, async (t) => {
  const cache = join(root, 'node_modules', '.cache', 'runts-eslint', '');
  const args = ['--cache', '--cache-strategy', 'content', '--cache-location', cache, '.'];
  const r = await promisify(execFile)(eslint, args, { cwd: root, maxBuffer: 64 << 20 }).then(
    (out) => ({ status: 0, ...out }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ status: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(e) }));
  t.equal(r.status, 0, `make lint:\n${r.stdout}${r.stderr}`);
});
