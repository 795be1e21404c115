// posix_spawn of a C stage with exactly the fds it should have at 0, 1, 2, ...: Node's
// child_process costs ~8 ms a spawn (and loads net and stream). glibc's posix_spawn is a
// CLONE_VFORK child that only execs, so no JavaScript ever runs in it (brief, section 1).
// Signal dispositions are reset to default and the mask cleared, as child_process does
// (Node ignores SIGPIPE; an ignored signal would survive the exec into the container).
import { debug } from '../log-sink.js';
import { check, libc } from './libc.js';
import { sysError } from './errors.js';

const F_DUPFD_CLOEXEC = 1030, HIGH_FD = 100;
const POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
const FILE_ACTIONS_SIZE = 80, SPAWNATTR_SIZE = 336, SIGSET_SIZE = 128;

const c = {
  faInit: libc.func('int posix_spawn_file_actions_init(void *)'),
  faDup2: libc.func('int posix_spawn_file_actions_adddup2(void *, int, int)'),
  faDestroy: libc.func('int posix_spawn_file_actions_destroy(void *)'),
  attrInit: libc.func('int posix_spawnattr_init(void *)'),
  attrFlags: libc.func('int posix_spawnattr_setflags(void *, short)'),
  attrSigdef: libc.func('int posix_spawnattr_setsigdefault(void *, void *)'),
  attrSigmask: libc.func('int posix_spawnattr_setsigmask(void *, void *)'),
  attrDestroy: libc.func('int posix_spawnattr_destroy(void *)'),
  spawn: libc.func('int posix_spawn(_Out_ int *, const char *, void *, void *, const char **, const char **)'),
  fcntl: libc.func('int fcntl(int, int, int)'),
  close: libc.func('int close(int)'),
};

function posixCheck(ret: number, op: string, what: string): void {
  if (ret !== 0) throw sysError(op, ret, what);
}

/**
 * Runs exe (a path, or an fd such as exe-seal's: executed through /proc/self/fd) with argv
 * (argv[0] included) and an empty environment; fds[i] becomes fd i in the child, nothing else is
 * inherited (everything runts opens is close-on-exec). Returns the pid.
 */
export function spawnWithFds(exe: string | number, argv: string[], fds: number[]): number {
  // Copies above every target first, so that no dup2 overwrites a source still to be used; the
  // executable's fd too (close-on-exec: the kernel has opened it by then).
  const floor = Math.max(HIGH_FD, fds.length);
  const sources = typeof exe === 'number' ? [...fds, exe] : fds;
  const high = sources.map((fd) => check(c.fcntl(fd, F_DUPFD_CLOEXEC, floor), 'fcntl F_DUPFD_CLOEXEC', String(fd)));
  const path = typeof exe === 'number' ? `/proc/self/fd/${high[fds.length]}` : exe;
  const fa = Buffer.alloc(FILE_ACTIONS_SIZE), attr = Buffer.alloc(SPAWNATTR_SIZE);
  try {
    posixCheck(c.faInit(fa), 'posix_spawn_file_actions_init', argv[0]);
    posixCheck(c.attrInit(attr), 'posix_spawnattr_init', argv[0]);
    high.slice(0, fds.length).forEach((src, i) => posixCheck(c.faDup2(fa, src, i), 'posix_spawn_file_actions_adddup2', argv[0]));
    posixCheck(c.attrFlags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK), 'posix_spawnattr_setflags', argv[0]);
    posixCheck(c.attrSigdef(attr, Buffer.alloc(SIGSET_SIZE, 0xff)), 'posix_spawnattr_setsigdefault', argv[0]);
    posixCheck(c.attrSigmask(attr, Buffer.alloc(SIGSET_SIZE)), 'posix_spawnattr_setsigmask', argv[0]);
    const pid = [0];
    posixCheck(c.spawn(pid, path, fa, attr, [...argv, null], [null]), 'posix_spawn', argv[0]);
    debug(`stage: started ${argv.join(' ')} (pid ${pid[0]}, fds 0-${fds.length - 1} from ${fds.join(',')})`);
    return pid[0];
  } finally {
    c.faDestroy(fa);
    c.attrDestroy(attr);
    for (const fd of high) c.close(fd);
  }
}
