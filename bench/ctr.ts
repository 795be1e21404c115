// The containerd part of `make bench`: `ctr run --rm` of a `true` image through containerd's runc
// v2 shim, with runts and with runc taking turns, against a private containerd started the way
// the e2e test starts one (test/e2e/lib/containerd.ts). Prints the medians and the ratio.
// Usage: tsx bench/ctr.ts RUNTS RUNC   (N=rounds, default 20)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Containerd, ensureContainerd } from '../test/e2e/lib/containerd.js';
import { ociArch, writeImage } from '../test/e2e/lib/oci-image.js';

const [runts, runc] = process.argv.slice(2);
const N = Number(process.env.N ?? 20);
const IMAGE = 'docker.io/runts-bench/true:latest';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main(): void {
  const install = ensureContainerd();
  if (install.skip) { console.log(`ctr run --rm: skipped (${install.skip})`); return; }
  const cd = new Containerd({ name: 'runc', path: runc, isRunc: true });
  try {
    cd.start();
    const tarball = join(cd.dir, 'image.tar');
    writeImage({ ref: IMAGE, entrypoint: [], cmd: ['true'], env: ['PATH=/bin'], workingDir: '/' }, tarball);
    const imp = cd.ctr(['images', 'import', '--platform', `linux/${ociArch()}`, '--snapshotter', 'overlayfs', tarball], { seconds: 120 });
    if (imp.status !== 0) throw new Error(`ctr images import: ${imp.stderr}`);
    const ms: Record<string, number[]> = { runts: [], runc: [] };
    for (let i = 0; i < N; i++) {
      for (const [name, path] of [['runts', runts], ['runc', runc]] as const) {
        const id = `bench-${name}-${i}`;
        cd.noteId(id);
        const argv = cd.ctrArgv(['run', '--runc-binary', path, '--rm', IMAGE, id, 'true']);
        const t0 = process.hrtime.bigint();
        const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
        const t = Number(process.hrtime.bigint() - t0) / 1e6;
        if (r.status !== 0) throw new Error(`ctr run with ${name}: status ${r.status}: ${r.stderr}`);
        ms[name].push(t);
      }
    }
    const a = median(ms.runts), b = median(ms.runc);
    console.log(`ctr run --rm (${N} rounds, medians): runc ${b.toFixed(1)} ms, runts ${a.toFixed(1)} ms, ratio ${(a / b).toFixed(2)}x`);
  } finally {
    const left = cd.stop();
    const what = Object.entries(left).filter(([, v]) => v.length).map(([k, v]) => `${k}: ${v.join(', ')}`);
    if (what.length) console.log(`ctr bench left: ${what.join('; ')}`);
  }
}

main();
