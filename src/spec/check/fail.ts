// Every check's error: one line naming the document (config.json, an exec --process file, update's
// resources) and the JSON Pointer of the offending value.
import { ConfigError } from '../errors.js';

export function failAt(what: string, at: string, msg: string): never {
  throw new ConfigError(`${what}: ${at || '/'}: ${msg}`);
}
