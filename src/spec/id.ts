// Container ids, checked before any path is built from them; runc's rule and texts.
import { RuntimeError } from '../container/errors.js';

const ID_RE = /^[\w+\-.]+$/;

export function validateId(id: string): void {
  if (id === '') throw new RuntimeError('container id cannot be empty');
  if (!ID_RE.test(id) || id === '.' || id === '..') throw new RuntimeError(`invalid id format: ${id}`);
  if (id.length > 255) throw new RuntimeError(`invalid id format: ${id}`);
}
