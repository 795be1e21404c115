// Kernel constants more than one room names (linux/sched.h, asm/signal.h). A room that needs a
// flag of the kernel takes it from here instead of defining its own.

/** clone(2)/unshare(2)/setns(2) flag of each namespace, by the spec's names. */
export const CLONE_FLAG = {
  mount: 0x00020000, uts: 0x04000000, ipc: 0x08000000, user: 0x10000000,
  pid: 0x20000000, network: 0x40000000, cgroup: 0x02000000, time: 0x00000080,
} as const;

/** CLONE_FS: unshare the fs_struct (root, cwd, umask) a thread shares with the others. */
export const CLONE_FS = 0x200;

export const SIGKILL = 9;
