// src/linux/exe-seal.ts on its own (root: overlayfs needs CAP_SYS_ADMIN): the sealed fd of an
// executable runs it, reads as it, and refuses every write, through the overlayfs and through
// the memfd fallback. The attack through a container: exe-ptrace.test.ts.
import t, { type Test } from 'tap';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SealedExecutables } from '../../src/linux/exe-seal.js';
import { spawnWithFds } from '../../src/linux/spawn.js';
import { reapChild } from '../../src/linux/process.js';
import { MULTITOOL, skipUnlessRoot, TMP_PREFIX } from '../lib/runtime.js';

const errCode = (f: () => unknown): string => {
  try { f(); return 'ok'; } catch (e) { return (e as NodeJS.ErrnoException).code ?? String(e); }
};

/** A temp dir with bin/multitool (the executable to seal) and spare/ (overlayfs' second layer). */
function setup(t: Test): { bin: string; exe: string; spare: string } {
  const dir = mkdtempSync(TMP_PREFIX);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin'), spare = join(dir, 'spare');
  mkdirSync(bin); mkdirSync(spare);
  copyFileSync(MULTITOOL, join(bin, 'multitool'));
  return { bin, exe: join(bin, 'multitool'), spare };
}

/** Runs the sealed fd as `multitool echo sealed`; returns what it printed. */
function runSealed(t: Test, fd: number): string {
  const dir = mkdtempSync(TMP_PREFIX);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = openSync(join(dir, 'out'), 'w');
  try { reapChild(spawnWithFds(fd, ['multitool', 'echo', 'sealed'], [0, out, 2])); } finally { closeSync(out); }
  return readFileSync(join(dir, 'out'), 'utf8').trim();
}

function checkSealed(t: Test, sealed: SealedExecutables, exe: string, kind: string): void {
  const fd = sealed.open(exe);
  t.equal(sealed.kind(exe), kind, `sealed with ${kind}`);
  t.equal(sealed.open(exe), fd, 'opened once per command');
  const path = `/proc/self/fd/${fd}`;
  t.same(readFileSync(path), readFileSync(exe), 'the same bytes as the binary');
  t.equal(runSealed(t, fd), 'sealed', 'it runs');
  const writeOpen = errCode(() => closeSync(openSync(path, 'r+')));
  const write = errCode(() => { const w = openSync(path, 'r+'); try { writeSync(w, 'x', 0); } finally { closeSync(w); } });
  const trunc = errCode(() => closeSync(openSync(path, 'w')));
  if (kind === 'overlayfs') t.equal(writeOpen, 'EROFS', 'a write-open fails: a read-only filesystem');
  else t.equal(write, 'EPERM', 'a write fails: the memfd is sealed');
  t.not(write, 'ok', 'no write');
  t.not(trunc, 'ok', 'no truncation');
  t.same(readFileSync(exe), readFileSync(MULTITOOL), 'the binary is unchanged');
}

t.test('overlayfs: the binary\'s directory over a spare one, read-only for good', { skip: skipUnlessRoot }, async (t) => {
  const { exe, spare } = setup(t);
  const sealed = new SealedExecutables(spare);
  t.teardown(() => sealed.close());
  checkSealed(t, sealed, exe, 'overlayfs');
});

t.test('memfd: where overlayfs refuses the layers (the spare is the binary\'s own directory), a sealed copy', { skip: skipUnlessRoot }, async (t) => {
  const { bin, exe } = setup(t);
  const sealed = new SealedExecutables(bin);
  t.teardown(() => sealed.close());
  checkSealed(t, sealed, exe, 'memfd');
});

t.test('close() closes every fd it opened', { skip: skipUnlessRoot }, async (t) => {
  const { exe, spare } = setup(t);
  const sealed = new SealedExecutables(spare);
  const fd = sealed.open(exe);
  sealed.close();
  t.equal(errCode(() => readFileSync(`/proc/self/fd/${fd}`)), 'ENOENT', 'the fd is closed');
});
