// Rules of the runtime-spec that its JSON schema cannot express. Each error names config.json and the path.
import { ConfigError } from './errors.js';
import type { Spec } from './types.js';

export function checkSemantics(spec: Spec): void {
  const major = /^(\d+)\./.exec(spec.ociVersion)?.[1];
  if (major !== '1') fail('/ociVersion', `unsupported version ${JSON.stringify(spec.ociVersion)}: the major version must be 1`);
  if (!spec.root) fail('/root', 'is required on Linux');
}

function fail(path: string, msg: string): never {
  throw new ConfigError(`config.json: ${path}: ${msg}`);
}
