// For unit tests of src/container: a container's record (store.ts's Saved), stopped by default,
// alive() with this test process as its init; temp dirs removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { startTime } from '../../src/linux/process.js';
import type { Saved } from '../../src/container/store.js';

export function saved(over: Partial<Saved> = {}): Saved {
  return {
    id: 'c1', pid: 0, startTime: '', bundle: '/bundles/c1', rootfs: '/bundles/c1/rootfs', created: '2026-01-02T03:04:05.000000006Z',
    owner: 'root', spec: { ociVersion: '1.2.0' }, cgroupPaths: {}, systemdCgroup: false, ...over,
  };
}

/** A record whose init is this process (alive, with its real start time). */
export function alive(over: Partial<Saved> = {}): Saved {
  return saved({ pid: process.pid, startTime: startTime(process.pid)!, ...over });
}

export function tempDir(t: Test, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `runts-unit-${name}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
