// restore's mountpoints (src/container/restore-mountpoints.ts): on a rootfs that lacks them, a
// directory for each mount, an empty file for a bind of a file, nothing under a tmpfs of the
// config, and a symlink in the rootfs resolved inside it (nothing made outside).
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMountpoints } from '../../src/container/restore-mountpoints.js';

t.test('makes the missing mountpoints inside the rootfs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runts-mp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rootfs = join(dir, 'rootfs'), outside = join(dir, 'outside');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  mkdirSync(outside);
  symlinkSync(outside, join(rootfs, 'link'));
  writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n');
  makeMountpoints(rootfs, dir, [
    { destination: '/etc/hosts', type: 'bind', source: join(dir, 'hosts'), options: ['rbind', 'ro'] },
    { destination: '/data/sub', type: 'none', source: 'outside', options: ['bind'] },
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs' },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm' },
    { destination: '/link/x', type: 'tmpfs', source: 'tmpfs' },
  ]);
  t.ok(statSync(join(rootfs, 'etc/hosts')).isFile(), 'an empty file for a bind of a file');
  t.equal(statSync(join(rootfs, 'etc/hosts')).size, 0, 'empty');
  t.ok(statSync(join(rootfs, 'data/sub')).isDirectory(), 'a directory (with its parents) for a bind of a directory, the source relative to the bundle');
  t.ok(statSync(join(rootfs, 'proc')).isDirectory(), 'a directory for another mount');
  t.ok(statSync(join(rootfs, 'dev')).isDirectory(), 'the tmpfs itself');
  t.notOk(existsSync(join(rootfs, 'dev/shm')), 'nothing under a tmpfs (criu restores its contents)');
  t.notOk(existsSync(join(outside, 'x')), 'a symlink to outside is resolved inside the rootfs');
  t.ok(statSync(join(rootfs, outside, 'x')).isDirectory(), 'made where the link leads inside the rootfs');
});

t.test('a missing bind source is an error naming it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runts-mp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'rootfs'));
  t.throws(() => makeMountpoints(join(dir, 'rootfs'), dir, [{ destination: '/x', type: 'bind', source: join(dir, 'nope'), options: ['bind'] }]),
    { message: new RegExp(`stat.*${join(dir, 'nope')}|${join(dir, 'nope')}.*stat`) });
});
