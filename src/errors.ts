// The one error type of runts. Imports nothing, so every room (and the init) can throw it.
//
// An error has a kind (what went wrong: it decides the exit status and is what a caller tests,
// never the text), a message that is the whole user-facing line, what it carries (the syscall,
// errno and path; the cgroup file; the D-Bus error name) and a cause. Context is added one
// way, by wrap(): a new error whose message is "context: message" and whose cause is the old
// one (runc's fmt.Errorf("...: %w"), crun's libcrun_error_t). Errors are never changed once
// made. src/cli/dispatch.ts logs the message once and exits with exitStatus().

export type ErrorKind =
  | 'usage'        // the command line: a flag, an argument (Go's flag package's words)
  | 'config'       // what a user gave: config.json, --process, -r (names the file and JSON path)
  | 'not-exist'    // no container by that id ("container does not exist": containerd matches it)
  | 'exist'        // a container by that id exists already
  | 'not-running'  // the container is not running ("container not running")
  | 'sys'          // a system call failed: op, errno, path
  | 'cgroup'       // a cgroup file could not be read or written, or a resource has no controller
  | 'stage'        // a C stage or the init failed, or broke the protocol
  | 'bus'          // systemd answered a D-Bus call with an error
  | 'exec'         // anything that fails `runts exec` (exit 255, as runc's)
  | 'runtime';     // any other failure of an operation

/** What an error carries besides its text. */
export interface ErrorDetail {
  op?: string;       // sys: the system call ("mount /a to /b", "openat2")
  errno?: number;    // sys: the errno
  path?: string;     // sys: the path the call was about
  code?: string;     // the errno's name ("ENOENT"), for a sys error or one made from a Node fs error
  file?: string;     // cgroup: the cgroup file a read or write was about
  reason?: string;   // cgroup: the text without the "cgroup: " context
  busName?: string;  // bus: the D-Bus error name (org.freedesktop.systemd1.NoSuchUnit, ...)
  jsonPath?: string; // config: the JSON path of the value refused ("/process/args")
}

export class RuntsError extends Error {
  override readonly name = 'RuntsError';

  constructor(readonly kind: ErrorKind, message: string, readonly detail: Readonly<ErrorDetail> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }

  /** The errno's name, where the error is about one (as a Node fs error's `code`). */
  get code(): string | undefined { return this.detail.code; }
}

/** An error's message, whatever was thrown. */
export function messageOf(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

/** `context: message` as a new error of `kind` whose cause is `e`: the one way to add context.
 * What `e` carried stays with `e` (the cause): the new error carries `detail` only, so a test
 * of the errno or kind is about the failure as this level reports it. */
export function wrap(e: unknown, context: string, kind: ErrorKind = 'runtime', detail: ErrorDetail = {}): RuntsError {
  return new RuntsError(kind, `${context}: ${messageOf(e)}`, detail, e);
}

/** The same error as another kind (the message and detail unchanged, `e` its cause). A Node fs
 * error's errno name becomes the detail's code. */
export function asKind(e: unknown, kind: ErrorKind): RuntsError {
  return new RuntsError(kind, messageOf(e), detailOf(e), e);
}

function detailOf(e: unknown): Readonly<ErrorDetail> {
  if (e instanceof RuntsError) return e.detail;
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' ? { code } : {};
}

/** Whether `e` is a runts error of that kind. */
export function isKind(e: unknown, kind: ErrorKind): e is RuntsError {
  return e instanceof RuntsError && e.kind === kind;
}

/** The exit status of a command that failed with `e`: 255 for exec (runc's), else 1. */
export function exitStatus(e: unknown): number {
  return isKind(e, 'exec') ? 255 : 1;
}
