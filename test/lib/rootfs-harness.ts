// Helpers for the rootfs integration tests: a temp bundle with a busybox rootfs, a run of
// rootfs-driver.ts under unshare(1), mountinfo parsing, and a cleanup that refuses to delete
// through a mount that leaked into the host's namespace.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import type { RootfsPlan } from '../../src/init/rootfs/index.js';
import { parseMountinfo, type MountInfo } from '../../src/linux/mountinfo.js';
import { mountsUnder } from './host.js';

const REPO = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const DRIVER = join(REPO, 'test/lib/rootfs-driver.ts');

export const canRun = process.getuid?.() === 0 && spawnSync('unshare', ['--version']).status === 0;

export interface Bundle { dir: string; bundle: string; rootfs: string; outside: string }

/** A temp dir holding bundle/rootfs (busybox at /bin, /proc /sys /dev /tmp) and a host dir "outside". */
export function makeBundle(): Bundle {
  const dir = mkdtempSync('/tmp/runts-rootfs-');
  const bundle = join(dir, 'bundle'), rootfs = join(bundle, 'rootfs'), outside = join(dir, 'outside');
  for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc']) mkdirSync(join(rootfs, d), { recursive: true });
  mkdirSync(outside);
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  for (const app of ['sh', 'cat', 'ls', 'stat', 'readlink', 'hostname', 'touch', 'mkdir']) {
    spawnSync('ln', ['-s', 'busybox', join(rootfs, 'bin', app)]);
  }
  return { dir, bundle, rootfs, outside };
}

/** Deletes the bundle dir; throws (after detaching them) if mounts leaked into the host. */
export function cleanup(b: Bundle): void {
  const leaked = mountsUnder(b.dir); // deepest first
  for (const p of leaked) spawnSync('umount', ['-l', p]);
  rmSync(b.dir, { recursive: true, force: true });
  if (leaked.length) throw new Error(`mounts leaked into the host namespace: ${leaked.join(', ')}`);
}

export function baseSpec(over: Partial<Spec> = {}): Spec {
  return {
    ociVersion: '1.3.0', root: { path: 'rootfs' },
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    linux: { namespaces: [{ type: 'mount' }, { type: 'pid' }, { type: 'uts' }] },
    ...over,
  };
}

export interface Check { argv: string[]; status: number | null; stdout: string; stderr: string }
export interface DriverResult {
  ok: boolean; error?: string; stage: string; mountsAfterPrepare?: string; cwd?: string; checks: Check[];
  hostStatus: number | null; hostStderr: string;
}

export interface RunOpts {
  checks?: string[][]; plan?: Partial<RootfsPlan>; racer?: string[]; setup?: string[][]; unshare?: string[];
  /** id-mapped mounts' sources made by runts-idmap, as the parent makes them */
  idmap?: boolean;
}

/** Runs prepareRootfs + finishRootfs + the checks in fresh namespaces. */
export function runDriver(b: Bundle, spec: Spec, o: RunOpts = {}): DriverResult {
  const plan: RootfsPlan = {
    rootfs: b.rootfs, bundle: b.bundle, spec, noPivot: false, newMountNs: true, newUtsNs: true, newCgroupNs: false, inUserNs: false,
    ...o.plan,
  };
  const jobPath = join(b.dir, 'job.json');
  writeFileSync(jobPath, JSON.stringify({ plan, checks: o.checks ?? [], racer: o.racer, setup: o.setup, idmap: o.idmap }));
  const ns = o.unshare ?? ['--mount', '--uts', '--pid', '--fork', '--propagation', 'private'];
  const r = spawnSync('unshare', [...ns, process.execPath, '--import', 'tsx', DRIVER, jobPath], {
    cwd: REPO, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'], // stdin: the host's /dev/null
  });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  let parsed: Omit<DriverResult, 'hostStatus' | 'hostStderr'>;
  try { parsed = JSON.parse(line); } catch {
    parsed = { ok: false, error: `driver printed no result (status ${r.status}): ${r.stderr}`, stage: 'driver', checks: [] };
  }
  return { ...parsed, hostStatus: r.status, hostStderr: r.stderr ?? '' };
}

export { parseMountinfo, type MountInfo };

/** The topmost mount at a mount point (the last one listed). */
export function mountAt(mounts: MountInfo[], mountpoint: string): MountInfo | undefined {
  return mounts.filter((m) => m.mountpoint === mountpoint).pop();
}

/** The output of the check at index i, failing loudly when it did not run. */
export function out(r: DriverResult, i: number): string {
  const c = r.checks[i];
  if (!c) throw new Error(`check ${i} did not run: ${r.error ?? ''} ${r.hostStderr}`);
  return c.stdout;
}

export const MOUNTINFO = ['/bin/busybox', 'cat', '/proc/self/mountinfo'];
