// Every wire message between the runts parent and the stages it starts, in one place.
// native/protocol.h is generated from this file (scripts/gen-protocol-header.mjs).
//
// Stages: P = runts parent (host), N = runts-nsexec (C), I = the init (runts --runts-init,
// container PID 1 before pivot_root), F = runts-finalize (C, container PID 1 until execve). P
// starts N, and N's child execs I and F, from sealed fds (linux/exe-seal.ts: a read-only
// overlayfs, else a memfd),
// S = a later `runts start`, M = runts-idmap (C, one per id-mapped mount). One AF_UNIX stream
// socketpair (the "sync socket") joins P with N, then with I and F, which inherit it; S talks to
// F over the listening "exec socket"; P and M have a socketpair of their own.
//
//   P                         N                          I                          F
//   |-- NS_PLAN ------------->|  join ns by path, unshare user ns
//   |<------------ STAGE_PID -|  (P writes uid/gid maps)
//   |-- STAGE_GO ------------>|  unshare the rest but cgroup, timens offsets, clone(CLONE_PARENT)
//   |<------------- INIT_PID -|  exits 0               execveat(ENGINE_FD: runts --runts-init)
//   |  P moves I into its cgroups and sets the limits while I's engine starts
//   |-- INIT_PLAN (json) ----------------------------->|  unshare cgroup ns; mounts, devices
//   |<----------------------------------- HOOKS_RUN --|  (P runs prestart, createRuntime)
//   |-- HOOKS_DONE ----------------------------------->|  createContainer hooks, pivot_root
//   |<-------------------------------- ROOTFS_READY --|  fexecve(FINALIZE_FD)
//   |-- FINALIZE_PLAN --------------------------------------------------------->|  rlimits, cwd,
//   |                                                                            |  lookup argv[0], sched,
//   |<---------------------------------------------------------------- READY ---|  ioprio, personality, mempolicy
//   |  P writes state.json and the pid file, exits.                              |  accept(exec sock)
//   S -- connect, 1 byte ------------------------------------------------------->|  startContainer hooks,
//   S <-- EOF on success (the connection is close-on-exec), or ERROR ------------|  creds, caps, NNP,
//                                                                                    seccomp, execve
// Seccomp with SCMP_ACT_NOTIFY rules: right after loading the filter, F sends SECCOMP_FD (the
// listener's fd number in F) to whoever waits for its exec (S, or P in exec) and blocks until
// SECCOMP_DONE; that side copies the fd with pidfd_getfd and sends it to listenerPath first.
// Between the load and SECCOMP_DONE F only calls write() and read(): write must not be notified
// (as in runc), read may be (the agent has the fd by then).
// Id-mapped mounts: when I reaches a bind mount that is id-mapped (uidMappings/gidMappings, or
// an idmap/ridmap option), it asks P for the mount instead of making it (I may be in a user
// namespace, and MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the source's filesystem). P starts
// runts-idmap (M, C, the host's user namespace) for it:
//   P                                             I  (between INIT_PLAN and HOOKS_RUN)
//   |<---------------------------- IDMAP_REQUEST -|  (MOUNT_INDEX)
//   P -- IDMAP_PLAN --> M   a user namespace with the mappings (held by a child of M for as long as
//                           it takes to open it), join I's mount namespace, open_tree(OPEN_TREE_CLONE),
//                           mount_setattr(MOUNT_ATTR_IDMAP)
//   P <-- MOUNT_FD ---- M   (FD: the detached mount's fd number in M; P copies it with
//                           pidfd_getfd and closes the socket: M exits)
//   |-- MOUNT_FD ------------------------------->|  the fd by SCM_RIGHTS: move_mount onto the
//                                                   destination, then the mount's flags
// A failure in M is P's error (the mount named); P then kills I.
// The same request brings a plain bind (TREE_FLAGS 4: no mapping, no user namespace) when I, in
// a user namespace, is refused a bind's source (EACCES: a parent only the host's root may
// enter), as runc opens such sources in the host's user namespace.
// exec: P -> N as above with every namespace joined by path and DIRECT_FINALIZE (P moves N into
// the container's cgroups at STAGE_PID, before N forks); N's child
// fexecve()s runts-finalize, which gets FINALIZE_PLAN without EXEC_SOCK_FD, prepares the
// process and execs it: P reads EOF (the sync socket is then close-on-exec) or ERROR.
// Any stage may send ERROR (one attribute: the message) instead of its next message and exit 1.
// A message is: u32 payload length, u32 kind, payload. A payload is a run of attributes:
// u32 type, u32 length, bytes. Integers are little-endian (host order); strings carry no NUL.
// ATTRS gives each attribute its number and value type (u32: exactly 4 bytes; str; u64s: u64
// words; bytes: a layout of its own, told at the attribute); MESSAGES gives each message the
// attributes it may carry and how often. Both readers (protocol/check.ts, native/common.h with
// the tables the generator draws from these) refuse a message with an attribute it does not
// list, without one it requires, or with one given twice that may be given once.

export const MSG = {
  NS_PLAN: 1,
  STAGE_PID: 2,
  STAGE_GO: 3,
  INIT_PID: 4,
  INIT_PLAN: 5,
  HOOKS_RUN: 6,
  HOOKS_DONE: 7,
  ROOTFS_READY: 8,
  FINALIZE_PLAN: 9,
  READY: 10,
  ERROR: 11,
  SECCOMP_FD: 12,
  SECCOMP_DONE: 13,
  IDMAP_REQUEST: 14,
  IDMAP_PLAN: 15,
  MOUNT_FD: 16,
} as const;

/** How an attribute's value is laid out. */
export type AttrType = 'u32' | 'str' | 'u64s' | 'bytes';

export const ATTRS = {
  // NS_PLAN
  CLONE_FLAGS: [1, 'u32'],     // namespaces to create
  NS_PATH: [2, 'bytes'],         // u32 clone flag, then the path: a namespace to join
  TIME_OFFSETS: [3, 'str'],    // the text written to /proc/self/timens_offsets
  INIT_ARG: [4, 'str'],        // repeated: argv of the init (argv[0] names the engine)
  FINALIZE_FD: [5, 'u32'],     // N's fd of runts-finalize, sealed (linux/exe-seal.ts)
  DIRECT_FINALIZE: [6, 'u32'], // 1 (exec): the clone child fexecve()s runts-finalize itself, no Node
  ENGINE_FD: [7, 'u32'],       // (create): N's fd of the init's engine, sealed; the clone child execs it
  // STAGE_PID, INIT_PID
  PID: [10, 'u32'],
  // SECCOMP_FD, MOUNT_FD (from M)
  FD: [11, 'u32'],             // a file descriptor number in the sender
  // INIT_PLAN
  JSON: [20, 'str'],           // a JSON document
  // FINALIZE_PLAN
  ARG: [30, 'str'],            // repeated: process.args
  ENV: [31, 'str'],            // repeated: process.env
  CWD: [32, 'str'],
  UID: [33, 'u32'],
  GID: [34, 'u32'],
  ADDITIONAL_GID: [35, 'u32'],
  UMASK: [36, 'u32'],          // absent: leave the umask alone
  CAPS: [37, 'u64s'],           // 5 x u64: bounding, effective, inheritable, permitted, ambient
  NO_NEW_PRIVS: [38, 'u32'],   // 0/1
  RLIMIT: [39, 'bytes'],         // u32 resource, u64 soft, u64 hard; repeated
  SECCOMP_BPF: [40, 'bytes'],    // struct sock_filter[]: the compiled profile
  SECCOMP_FLAGS: [41, 'u32'],  // flags for seccomp(SECCOMP_SET_MODE_FILTER)
  HOOK_PATH: [42, 'str'],      // starts a startContainer hook
  HOOK_ARG: [43, 'str'],       // repeated: argv of the current hook
  HOOK_ENV: [44, 'str'],       // repeated: env of the current hook
  HOOK_TIMEOUT: [45, 'u32'],   // seconds, for the current hook
  STATE_JSON: [46, 'str'],     // the state given to startContainer hooks on stdin
  EXEC_SOCK_FD: [47, 'u32'],   // the listening exec socket
  KEEP_FD: [48, 'u32'],        // repeated: fds the process keeps (0-2 are always kept)
  NO_PROCESS: [49, 'u32'],     // 1: the config has no process; start must fail
  SESSION_KEYRING: [50, 'str'], // join a new session keyring of this name (absent: --no-new-keyring)
  CONSOLE_SOCK_FD: [51, 'u32'], // connected --console-socket; a pty is made and its master sent there
  CONSOLE_SIZE: [52, 'bytes'],   // 2 x u32: rows, columns
  MOUNT_CONSOLE: [53, 'u32'],  // 1: bind the pty onto /dev/console (create, not exec)
  APPARMOR_PROFILE: [54, 'str'], // AppArmor profile the process execs into (change_onexec)
  PROCESS_LABEL: [55, 'str'],  // SELinux label of the process (exec label) and of its session keyring
  // FINALIZE_PLAN, applied before READY (create) or the user change (exec), as runc's init does:
  SCHED_ATTR: [200, 'bytes'],    // struct sched_attr (56 bytes): sched_setattr(0, ..., 0)
  IO_PRIORITY: [201, 'u32'],   // ioprio_set(IOPRIO_WHO_PROCESS, 0, value)
  CPU_AFFINITY_INITIAL: [202, 'bytes'], // cpu mask (u64 words): sched_setaffinity as F starts (exec)
  CPU_AFFINITY_FINAL: [203, 'bytes'],   // cpu mask: sched_setaffinity right before the process's own setup (exec);
                      // with neither, F resets its affinity to every CPU (the cgroup's cpuset)
  PERSONALITY: [204, 'u32'],   // personality(2)
  MEMORY_POLICY: [205, 'bytes'], // u32 mode | flags, then the node mask (u64 words, may be empty): set_mempolicy
  // ERROR
  MESSAGE: [60, 'str'],
  // IDMAP_REQUEST
  MOUNT_INDEX: [70, 'u32'],    // the mount's index in the config's mounts
  // IDMAP_PLAN (and NS_PATH: CLONE_NEWNS with I's mount namespace; CLONE_NEWUSER with a user
  // namespace whose mappings to use, instead of UID_MAP and GID_MAP)
  SOURCE: [71, 'str'],         // the absolute source path, resolved in I's mount namespace
  UID_MAP: [72, 'str'],        // the text for /proc/<pid>/uid_map of the new user namespace
  GID_MAP: [73, 'str'],        // the same for gid_map
  TREE_FLAGS: [74, 'u32'],     // 1 copy the source's submounts too (rbind), 2 id-map them too (ridmap), 4 no id mapping (a plain bind)
} as const satisfies Record<string, readonly [number, AttrType]>;

export type AttrName = keyof typeof ATTRS;
export type MsgName = keyof typeof MSG;

/** Attribute numbers by name (native/protocol.h: ATTR_<name>). */
export const ATTR = Object.fromEntries(Object.entries(ATTRS).map(([k, [id]]) => [k, id])) as
  { readonly [A in AttrName]: (typeof ATTRS)[A][0] };

/** How often an attribute appears in a message: ONE exactly once, OPT at most once, MANY any
 * number of times (in order). */
export type Count = 'ONE' | 'OPT' | 'MANY';

/** Every message's attributes. */
export const MESSAGES = {
  NS_PLAN: {
    CLONE_FLAGS: 'ONE', NS_PATH: 'MANY', TIME_OFFSETS: 'OPT', INIT_ARG: 'MANY', FINALIZE_FD: 'ONE',
    DIRECT_FINALIZE: 'OPT', ENGINE_FD: 'OPT',
  },
  STAGE_PID: { PID: 'ONE' },
  STAGE_GO: {},
  INIT_PID: { PID: 'ONE' },
  INIT_PLAN: { JSON: 'ONE' }, // the JSON is an InitPlan (protocol/init-plan.ts)
  HOOKS_RUN: {},
  HOOKS_DONE: {},
  ROOTFS_READY: {},
  FINALIZE_PLAN: {
    EXEC_SOCK_FD: 'OPT', KEEP_FD: 'MANY', STATE_JSON: 'OPT', SESSION_KEYRING: 'OPT', NO_PROCESS: 'OPT',
    // HOOK_ARG, HOOK_ENV and HOOK_TIMEOUT belong to the HOOK_PATH before them
    HOOK_PATH: 'MANY', HOOK_ARG: 'MANY', HOOK_ENV: 'MANY', HOOK_TIMEOUT: 'MANY',
    ARG: 'MANY', ENV: 'MANY', CWD: 'ONE', UID: 'OPT', GID: 'OPT', ADDITIONAL_GID: 'MANY', UMASK: 'OPT',
    CAPS: 'OPT', NO_NEW_PRIVS: 'OPT', RLIMIT: 'MANY', SECCOMP_BPF: 'OPT', SECCOMP_FLAGS: 'OPT',
    CONSOLE_SOCK_FD: 'OPT', CONSOLE_SIZE: 'OPT', MOUNT_CONSOLE: 'OPT', APPARMOR_PROFILE: 'OPT', PROCESS_LABEL: 'OPT',
    SCHED_ATTR: 'OPT', IO_PRIORITY: 'OPT', CPU_AFFINITY_INITIAL: 'OPT', CPU_AFFINITY_FINAL: 'OPT',
    PERSONALITY: 'OPT', MEMORY_POLICY: 'OPT',
  },
  READY: {},
  ERROR: { MESSAGE: 'ONE' },
  SECCOMP_FD: { FD: 'ONE' },
  SECCOMP_DONE: {},
  IDMAP_REQUEST: { MOUNT_INDEX: 'ONE' },
  IDMAP_PLAN: { SOURCE: 'ONE', NS_PATH: 'MANY', UID_MAP: 'OPT', GID_MAP: 'OPT', TREE_FLAGS: 'ONE' },
  MOUNT_FD: { FD: 'OPT' }, // from M: the fd's number in M; to I: none (the fd travels by SCM_RIGHTS)
} as const satisfies { readonly [M in MsgName]: { readonly [A in AttrName]?: Count } };

export type MsgKind = (typeof MSG)[keyof typeof MSG];

/** An attribute on the wire: its number and its value's bytes. */
export interface Attr { type: number; value: Buffer }
/** A message on the wire, as read (protocol/check.ts checks it against MESSAGES). */
export interface Message { kind: number; attrs: Attr[] }

/** An attribute's value as the decoder gives it. */
interface ValueOf { u32: number; str: string; u64s: bigint[]; bytes: Buffer }
export type AttrValue<A extends AttrName> = ValueOf[(typeof ATTRS)[A][1]];

type Fields<M extends MsgName> = (typeof MESSAGES)[M];
type Keys<M extends MsgName, C extends Count> = { [A in keyof Fields<M>]: Fields<M>[A] extends C ? A : never }[keyof Fields<M>] & AttrName;

/** A decoded message: ONE attributes present, OPT ones maybe, MANY ones as a list (maybe empty). */
export type Body<M extends MsgName> =
  { [A in Keys<M, 'ONE'>]: AttrValue<A> } & { [A in Keys<M, 'OPT'>]?: AttrValue<A> } & { [A in Keys<M, 'MANY'>]: AttrValue<A>[] };

export function msgName(kind: number): string {
  return Object.entries(MSG).find(([, v]) => v === kind)?.[0] ?? `message ${kind}`;
}
