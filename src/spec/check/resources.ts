// linux.resources given to `update` (-r, or the flags' values): the schema of config.json's
// linux.resources and the rules its device rules follow at create.
import type { Resources } from '../types.js';
import { checkDeviceRules } from './device-rules.js';
import { checkNoNul, checkSchema } from './schema.js';

/** `what` names the document in errors (the -r file, "resources on stdin", "update" for flags). */
export function checkResources(value: unknown, what: string): Resources {
  checkSchema(value, 'resources', what);
  checkNoNul(value, what);
  const r = value as Resources;
  checkDeviceRules(r.devices);
  return r;
}
