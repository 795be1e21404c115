// Errors of container operations whose texts callers match (containerd: "does not exist",
// "container not running"); worded as runc's libcontainer words them.
import { RuntsError, wrap } from '../errors.js';

export const errNotExist = () => new RuntsError('not-exist', 'container does not exist');
export const errExist = () => new RuntsError('exist', 'container with given ID already exists');
export const errNotRunning = () => new RuntsError('not-running', 'container not running');

/** A failure while the container is set up (after the bundle was accepted): runc's words lead it,
 * as containerd and users see them ("OCI runtime create failed: ... unable to start container
 * process: ..."). */
export function startFailure(e: unknown): RuntsError {
  return wrap(e, 'unable to start container process');
}
