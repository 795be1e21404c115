// A tiny OCI image built in memory, no registry and no tar(1): one gzip'd layer holding
// busybox-static plus applet symlinks and /etc/passwd, a config with Entrypoint/Cmd/Env/
// WorkingDir, a manifest, and the whole thing written as an OCI image-layout tarball that
// `ctr images import` understands.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export type TarEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Buffer; mode?: number }
  | { type: 'symlink'; path: string; target: string };

const BLOCK = 512;

/** Writes `value` as a NUL-terminated octal number filling `len` bytes of `buf` at `off`. */
function octal(buf: Buffer, off: number, len: number, value: number): void {
  const s = value.toString(8).padStart(len - 1, '0');
  if (s.length > len - 1) throw new Error(`tar: ${value} does not fit in ${len} bytes`);
  buf.write(s + '\0', off, len, 'ascii');
}

/** Splits a path into ustar's prefix (155) and name (100) fields. */
function splitName(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i), name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function header(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const path = e.type === 'dir' && !e.path.endsWith('/') ? e.path + '/' : e.path;
  const { name, prefix } = splitName(path);
  h.write(name, 0, 100, 'utf8');
  const mode = e.type === 'symlink' ? 0o777 : e.mode ?? (e.type === 'dir' ? 0o755 : 0o644);
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, 1_700_000_000); // fixed mtime: the layer digest is reproducible
  h.write('        ', 148, 8, 'ascii'); // checksum placeholder: eight spaces
  h.write(e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0', 156, 1, 'ascii');
  if (e.type === 'symlink') h.write(e.target, 157, 100, 'utf8');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** A ustar archive of the entries, ending with the two zero blocks. */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.type === 'file' ? e.data : Buffer.alloc(0);
    parts.push(header(e, data.length), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

const sha256 = (b: Buffer): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** Busybox applets the image links into /bin. */
export const APPLETS = [
  'sh', 'echo', 'cat', 'sleep', 'id', 'hostname', 'ps', 'ls', 'env', 'pwd', 'touch', 'true', 'false',
  'head', 'tr', 'grep', 'stat', 'readlink', 'tty', 'mkdir', 'rm', 'wc', 'test', 'kill', 'yes', 'nproc',
];

export interface ImageSpec {
  /** The full reference the image is imported as, e.g. docker.io/runts-e2e/busybox:latest. */
  ref: string;
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
  busybox?: string;
}

export interface BuiltImage { ref: string; manifestDigest: string; layerDigest: string; diffId: string; tarball: Buffer }

/** Host architecture in OCI terms (busybox-static is the host's own binary). */
export function ociArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  const a = map[process.arch];
  if (!a) throw new Error(`no OCI architecture for node's ${process.arch}`);
  return a;
}

export function layerEntries(busyboxPath: string, workingDir: string): TarEntry[] {
  const entries: TarEntry[] = [];
  for (const d of ['bin', 'etc', 'dev', 'proc', 'sys', 'root', 'var']) entries.push({ type: 'dir', path: d });
  entries.push({ type: 'dir', path: 'tmp', mode: 0o1777 });
  const wd = workingDir.replace(/^\/+|\/+$/g, '');
  if (wd) {
    const parts = wd.split('/');
    for (let i = 1; i <= parts.length; i++) entries.push({ type: 'dir', path: parts.slice(0, i).join('/') });
  }
  entries.push({ type: 'file', path: 'bin/busybox', data: readFileSync(busyboxPath), mode: 0o755 });
  for (const a of APPLETS) entries.push({ type: 'symlink', path: `bin/${a}`, target: 'busybox' });
  entries.push({ type: 'file', path: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n') });
  entries.push({ type: 'file', path: 'etc/group', data: Buffer.from('root:x:0:\nnogroup:x:65534:\n') });
  entries.push({ type: 'file', path: 'etc/image-marker', data: Buffer.from('runts-e2e image\n') });
  return entries;
}

/** Builds the image-layout tarball (oci-layout, index.json, blobs/sha256/...). */
export function buildImage(spec: ImageSpec): BuiltImage {
  const layerTar = tar(layerEntries(spec.busybox ?? '/bin/busybox', spec.workingDir));
  const layer = gzipSync(layerTar, { level: 6 });
  const diffId = sha256(layerTar);
  const arch = ociArch();
  const config = Buffer.from(JSON.stringify({
    created: '2023-11-14T22:13:20Z',
    architecture: arch,
    os: 'linux',
    config: { Entrypoint: spec.entrypoint, Cmd: spec.cmd, Env: spec.env, WorkingDir: spec.workingDir },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: '2023-11-14T22:13:20Z', created_by: 'runts test/e2e/lib/oci-image.ts' }],
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
  }));
  const manifestDigest = sha256(manifest);
  const tag = spec.ref.slice(spec.ref.lastIndexOf(':') + 1);
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length,
      platform: { architecture: arch, os: 'linux' },
      annotations: { 'io.containerd.image.name': spec.ref, 'org.opencontainers.image.ref.name': tag },
    }],
  }));
  const blob = (b: Buffer): TarEntry => ({ type: 'file', path: `blobs/sha256/${sha256(b).slice(7)}`, data: b });
  const tarball = tar([
    { type: 'file', path: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { type: 'file', path: 'index.json', data: index },
    { type: 'dir', path: 'blobs' },
    { type: 'dir', path: 'blobs/sha256' },
    blob(config), blob(manifest), blob(layer),
  ]);
  return { ref: spec.ref, manifestDigest, layerDigest: sha256(layer), diffId, tarball };
}

export function writeImage(spec: ImageSpec, file: string): BuiltImage {
  const img = buildImage(spec);
  writeFileSync(file, img.tarball);
  return img;
}
