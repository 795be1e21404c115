// Errors of container operations whose texts callers match (containerd: "does not exist",
// "container not running"); worded as runc's libcontainer words them.
export class RuntimeError extends Error {
  constructor(message: string, readonly exitCode = 1) { super(message); this.name = 'RuntimeError'; }
}

export const errNotExist = () => new RuntimeError('container does not exist');
export const errExist = () => new RuntimeError('container with given ID already exists');
export const errNotRunning = () => new RuntimeError('container not running');

/** A failure while the container is set up (after the bundle was accepted): runc's words lead it,
 * as containerd and users see them ("OCI runtime create failed: ... unable to start container
 * process: ..."). */
export function startFailure(e: unknown): RuntimeError {
  return new RuntimeError(`unable to start container process: ${(e as Error)?.message ?? String(e)}`);
}
