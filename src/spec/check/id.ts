// Container ids, checked before any path is built from them; runc's rule and texts.
import { ConfigError } from '../errors.js';

const ID_RE = /^[\w+\-.]+$/;

export function checkId(id: string): void {
  if (id === '') throw new ConfigError('container id cannot be empty');
  if (!ID_RE.test(id) || id === '.' || id === '..') throw new ConfigError(`invalid id format: ${id}`);
  if (id.length > 255) throw new ConfigError(`invalid id format: ${id}`);
}
