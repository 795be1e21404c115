// Runs after every other test file: the suite must leave nothing behind. Looks for what the
// tests name with their prefixes: state and temp dirs, mounts, cgroups, and processes of
// test containers or of runts' own stages.
import t from 'tap';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupRoots, findProcesses, mountinfo } from '../lib/host.js';
import { ID_PREFIX } from '../lib/runtime.js';
import { INIT_ENTRY } from '../../src/engine/layout.js';

const TEMP_PREFIXES = ['runts-test-', 'runts-rootfs-', 'runts-e2e-'];
const isTemp = (p: string) => TEMP_PREFIXES.some((x) => p.startsWith('/tmp/' + x));

t.test('no temp dirs of the suite are left', async (t) => {
  t.same(readdirSync('/tmp').filter((e) => isTemp('/tmp/' + e)), []);
});

t.test('no state dirs of test containers in the default roots', async (t) => {
  for (const root of ['/run/runts', '/run/runc']) {
    t.same(existsSync(root) ? readdirSync(root).filter((e) => e.startsWith(ID_PREFIX)) : [], [], root);
  }
});

t.test('no mounts under the suite\'s temp dirs', async (t) => {
  t.same(mountinfo().map((m) => m.mountpoint).filter(isTemp), []);
});

t.test('no cgroups of test containers', async (t) => {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      if (e.name.startsWith(ID_PREFIX)) found.push(join(dir, e.name));
      else if (depth < 4) walk(join(dir, e.name), depth + 1);
    }
  };
  for (const r of cgroupRoots()) walk(r.mountpoint, 0);
  t.same(found, []);
});

t.test('no processes of test containers or runts stages', async (t) => {
  const ours = findProcesses((argv) => /(^|\/)(multitool|runts-nsexec|runts-finalize|runts-idmap)$/.test(argv[0]) ||
    argv[1] === INIT_ENTRY);
  t.same(ours.map((p) => `${p.pid} ${p.argv.join(' ')}`), []);
});
