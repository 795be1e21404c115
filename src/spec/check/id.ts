// Container ids, checked before any path is built from them; runc's rule and texts.
import { RuntsError } from '../../errors.js';

const ID_RE = /^[\w+\-.]+$/;

export function checkId(id: string): void {
  if (id === '') throw new RuntsError('usage', 'container id cannot be empty');
  if (!ID_RE.test(id) || id === '.' || id === '..') throw new RuntsError('usage', `invalid id format: ${id}`);
  if (id.length > 255) throw new RuntsError('usage', `invalid id format: ${id}`);
}
