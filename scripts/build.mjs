// Bundles the two Node entry points with esbuild: the CLI (dist/runts.js) and the container
// init (dist/init.js). koffi stays external: it loads its native module from node_modules.
import { build } from 'esbuild';

const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  external: ['koffi'], sourcemap: false, minify: false, legalComments: 'none', logLevel: 'warning',
};
await Promise.all([
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/runts.js' }),
  build({ ...common, entryPoints: ['src/init/main.ts'], outfile: 'dist/init.js' }),
]);
