// Bundles the two Node entry points with esbuild: the CLI (dist/runts.js) and the container
// init (dist/init.js). koffi stays external: it loads its native module from node_modules.
import { build } from 'esbuild';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
let commit = 'unknown';
try { commit = execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { /* not a checkout */ }

const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  external: ['koffi'], sourcemap: false, minify: false, legalComments: 'none', logLevel: 'warning',
  define: {
    RUNTS_VERSION: JSON.stringify(pkg.version), RUNTS_COMMIT: JSON.stringify(commit),
    'import.meta.url': '__import_meta_url',
  },
  banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
};
await Promise.all([
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/runts.js' }),
  build({ ...common, entryPoints: ['src/init/main.ts'], outfile: 'dist/init.js' }),
]);
