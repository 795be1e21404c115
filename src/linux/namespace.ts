// Namespace calls of the Node init, from its main thread only: joining a mount namespace, and
// making a new cgroup namespace.
import { CLONE_FLAG, CLONE_FS } from './constants.js';
import { check, libc } from './libc.js';

const CLONE_NEWNS = CLONE_FLAG.mount, CLONE_NEWCGROUP = CLONE_FLAG.cgroup;

const c = {
  unshare: libc.func('int unshare(int)'),
  setns: libc.func('int setns(int, int)'),
  close: libc.func('int close(int)'),
};

/**
 * Moves the calling thread into the mount namespace fd refers to and closes fd. Node's other
 * threads share its fs_struct, which setns(CLONE_NEWNS) refuses, so the thread leaves it first;
 * they stay where they are, and the thread that later fexecve()s takes the namespace along.
 */
export function joinMountNamespace(fd: number): void {
  check(c.unshare(CLONE_FS), 'unshare(CLONE_FS)');
  check(c.setns(fd, CLONE_NEWNS), 'setns', 'the mount namespace');
  c.close(fd);
}

/**
 * A new cgroup namespace rooted at the cgroups the caller is in now. Only the calling thread
 * moves (namespaces are per thread); it is the one that mounts the cgroup file systems and
 * later fexecve()s, which takes the namespace along.
 */
export function newCgroupNamespace(): void {
  check(c.unshare(CLONE_NEWCGROUP), 'unshare(CLONE_NEWCGROUP)');
}
