// Every check's error about one value: one line naming the document (config.json, an exec
// --process file, update's resources) and the JSON Pointer of the value (kept in the detail).
import { configError } from '../config-error.js';

export function failAt(what: string, at: string, msg: string): never {
  throw configError(at || '/', msg, what);
}
