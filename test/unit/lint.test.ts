// `make lint` as a test, so that the suite keeps the code passing eslint.config.mjs. ESLint's
// cache (node_modules/.cache) makes a second run read only the files that changed; a fresh
// clone (CI) lints every file. The cache keys on each file's content: a change of types in one
// file that breaks another, unchanged one is seen by `make lint` (no cache) or a fresh clone.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const eslint = join(root, 'node_modules', '.bin', 'eslint');
const generated = join(root, 'src', 'spec', 'generated', 'validators.js');
const skip = !existsSync(eslint) ? 'eslint is not installed (npm ci installs it)'
  : !existsSync(generated) ? 'the generated validators are missing (make build or make lint makes them)' : false;

t.test('the sources pass eslint.config.mjs', { skip }, (t) => {
  const cache = join(root, 'node_modules', '.cache', 'runts-eslint', '');
  const r = spawnSync(eslint, ['--cache', '--cache-strategy', 'content', '--cache-location', cache, '.'], { cwd: root, encoding: 'utf8' });
  t.equal(r.status, 0, `make lint:\n${r.stdout}${r.stderr}`);
  t.end();
});
