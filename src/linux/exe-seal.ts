// Executables that can never be written through /proc/<pid>/exe (brief, rule 5; CVE-2019-5736).
// A process in a container's pid namespace with CAP_SYS_PTRACE can open /proc/<pid>/exe of a
// runts stage with O_PATH and, once the stage has exited, reopen it for writing through
// /proc/self/fd/N. So every stage is executed from a file that no open can write:
//
// - a read-only overlayfs, made detached (fsopen/fsconfig/fsmount, never attached to a mount
//   tree), whose layers are the binary's directory and a spare directory (overlayfs has no
//   read-only mode with a single lower layer). A file on an overlayfs without an upper layer is
//   read-only whatever is done to the mount: mount_setattr may clear the mount's MOUNT_ATTR_RDONLY
//   and fspick may ask for "rw", but the superblock stays read-only (the reconfigure fails with
//   EROFS) and every write-open fails with EROFS. It costs a mount per directory and command,
//   not a copy: the engine executable is ~100 MB.
// - where overlayfs cannot be made (no overlayfs or no fsopen: Linux < 5.2, no CAP_SYS_ADMIN, a
//   directory the layer rules refuse), a sealed memfd copy (F_SEAL_WRITE and friends): opening it
//   for writing succeeds, but no write, truncation or growth ever does.
//
// A read-only bind mount (open_tree + mount_setattr) is not used: while the runtime holds the
// detached mount's fd, any process holding a file on it and CAP_SYS_ADMIN over its own mount
// namespace's owner (root in a user-namespaced container) can clear MOUNT_ATTR_RDONLY with
// mount_setattr, and then write the host file (measured on Linux 6.18, docs/ARCHITECTURE.md).
import { fstatSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fsMount } from './mount.js';
import { check, libc } from './libc.js';
import { sysError } from './errors.js';

const AT_FDCWD = -100, O_RDONLY = 0, O_PATH = 0o10000000, O_NOFOLLOW = 0o400000, O_CLOEXEC = 0o2000000;
const MOUNT_ATTR = { RDONLY: 0x1, NOSUID: 0x2, NODEV: 0x4 } as const;
const MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_EXEC = 0x10;
const F_ADD_SEALS = 1033, F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8, F_SEAL_EXEC = 0x20;
const EIO = 5;

const c = {
  openat: libc.func('int openat(int, const char *, int, int)'),
  memfdCreate: libc.func('int memfd_create(const char *, unsigned int)'),
  sendfile: libc.func('long sendfile(int, int, void *, size_t)'),
  fcntl: libc.func('int fcntl(int, int, int)'),
  fchmod: libc.func('int fchmod(int, uint32_t)'),
  close: libc.func('int close(int)'),
};

/** overlayfs' own escapes in a lowerdir list. */
const layer = (dir: string): string => dir.replace(/\\/g, '\\\\').replace(/:/g, '\\:');

/** A detached read-only overlayfs of dir (over spare, which must be neither above nor below it). */
export function sealedOverlay(dir: string, spare: string): number {
  return fsMount('overlay', { lowerdir: `${layer(dir)}:${layer(spare)}`, xino: 'off' },
    MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV, dir);
}

function memfdCreate(name: string): number {
  const fd = c.memfdCreate(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  // Kernels before 6.3 do not know MFD_EXEC (every memfd is executable there).
  if (fd < 0) return check(c.memfdCreate(name, MFD_CLOEXEC | MFD_ALLOW_SEALING), 'memfd_create', name);
  return fd;
}

/** A sealed in-memory copy of the executable at path (close-on-exec). */
export function sealedCopy(path: string): number {
  const src = check(c.openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0), 'open', path);
  let mfd = -1;
  try {
    const size = fstatSync(src).size;
    mfd = memfdCreate(basename(path));
    for (let done = 0; done < size;) {
      const n = check(Number(c.sendfile(mfd, src, null, size - done)), 'sendfile into a memfd', path);
      if (n === 0) throw sysError('sendfile into a memfd', EIO, `${path} (shorter than its size)`);
      done += n;
    }
    check(c.fchmod(mfd, 0o511), 'fchmod', `the memfd copy of ${path}`);
    c.fcntl(mfd, F_ADD_SEALS, F_SEAL_EXEC); // Linux 6.3+: the mode stays as it is
    check(c.fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE), 'fcntl F_ADD_SEALS', `the memfd copy of ${path}`);
    return mfd;
  } catch (e) {
    if (mfd >= 0) c.close(mfd);
    throw e;
  } finally { c.close(src); }
}

/**
 * Opens executables sealed, one overlayfs per directory (made on first use); each fd is
 * close-on-exec, O_PATH on the overlayfs or a sealed memfd, and stays open until close().
 * spare: an existing directory for overlayfs' second layer (the runtime's state root).
 */
export class SealedExecutables {
  private readonly overlays = new Map<string, number | Error>();
  private readonly fds = new Map<string, number>();

  constructor(private readonly spare: string) {}

  /** The sealed fd of the executable at path. */
  open(path: string): number {
    let fd = this.fds.get(path);
    if (fd === undefined) {
      fd = this.fromOverlay(path) ?? sealedCopy(path);
      this.fds.set(path, fd);
    }
    return fd;
  }

  /** How path is sealed: "overlayfs" or "memfd" (for tests and the docs' measurements). */
  kind(path: string): 'overlayfs' | 'memfd' {
    return this.overlays.get(dirname(path)) instanceof Error ? 'memfd' : 'overlayfs';
  }

  close(): void {
    for (const fd of this.fds.values()) c.close(fd);
    for (const m of this.overlays.values()) if (typeof m === 'number') c.close(m);
    this.fds.clear();
    this.overlays.clear();
  }

  private overlay(dir: string): number | Error {
    let m = this.overlays.get(dir);
    if (m === undefined) {
      try { m = sealedOverlay(dir, this.spare); } catch (e) { m = e as Error; }
      this.overlays.set(dir, m);
    }
    return m;
  }

  private fromOverlay(path: string): number | undefined {
    const m = this.overlay(dirname(path));
    if (typeof m !== 'number') return undefined;
    return check(c.openat(m, basename(path), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0), 'open', `${path} on its sealed overlayfs`);
  }
}
