// Test driver for src/init/rootfs, run as PID 1 of fresh namespaces:
//   unshare --mount --uts --pid --fork --propagation private node --import tsx rootfs-driver.ts JOB.json
// JOB.json: { plan: RootfsPlan, checks: string[][], racer?: string[], setup?: string[][], idmap?: boolean }
// Calls prepareRootfs and finishRootfs like the Node init, then runs each check (an argv,
// inside the container) and prints one JSON object on stdout:
//   { ok, error?, stage, mountsAfterPrepare?, cwd?, checks: [{ argv, status, stdout, stderr }] }
// mountsAfterPrepare is this namespace's mountinfo between the two calls, or at the failure if
// prepareRootfs failed (host paths still visible), so a test can see that nothing was mounted
// outside the rootfs. `racer` is an argv
// started on the host before prepareRootfs and killed after it (symlink-swap races); `setup`
// argvs run in the new namespaces before it (e.g. to make the rootfs a mount point). With `idmap`,
// id-mapped mounts get their sources from runts-idmap as the parent would make them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { idmappedSource } from '../../src/container/idmap.js';
import { finishRootfs, prepareRootfs, type Prepared, type RootfsPlan } from '../../src/init/rootfs/index.js';
import { openLibc } from '../../src/linux/libc.js';

interface Job { plan: RootfsPlan; checks?: string[][]; racer?: string[]; setup?: string[][]; idmap?: boolean }
interface Check { argv: string[]; status: number | null; stdout: string; stderr: string }
interface Output { ok: boolean; error?: string; stage: string; mountsAfterPrepare?: string; cwd?: string; checks: Check[] }

const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Job;
const out: Output = { ok: false, stage: 'prepare', checks: [] };
let racer: ChildProcess | undefined;
try {
  openLibc(); // as the init does: koffi and libc open before pivot_root
  for (const argv of job.setup ?? []) {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`setup ${argv.join(' ')}: ${r.stderr}`);
  }
  if (job.racer) racer = spawn(job.racer[0], job.racer.slice(1), { stdio: 'ignore' });
  const helperFd = openSync(join(resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..'), 'native/build/runts-idmap'), 'r');
  const idmap = { spec: job.plan.spec, bundle: job.plan.bundle, mntns: '/proc/self/ns/mnt', helper: () => helperFd };
  let prepared: Prepared;
  try {
    prepared = prepareRootfs(job.plan, job.idmap ? (i) => idmappedSource(idmap, i) : undefined);
  } finally { racer?.kill('SIGKILL'); }
  out.mountsAfterPrepare = readFileSync('/proc/self/mountinfo', 'utf8');
  out.stage = 'finish';
  finishRootfs(prepared);
  out.stage = 'checks';
  out.cwd = process.cwd();
  for (const argv of job.checks ?? []) {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { PATH: '/bin' } });
    out.checks.push({ argv, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') });
  }
  out.ok = true;
} catch (e) {
  out.error = (e as Error).message;
  if (out.stage === 'prepare') out.mountsAfterPrepare = readFileSync('/proc/self/mountinfo', 'utf8');
}
writeSync(1, JSON.stringify(out) + '\n');
process.exit(0);
