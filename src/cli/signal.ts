import { constants } from 'node:os';
import { RuntsError } from '../errors.js';

/** A signal by name (with or without SIG) or number, as runc's kill takes it; 0 checks that
 * the process is there (kill(2)'s null signal). */
export function parseSignal(text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 0 && n <= 64) return n;
  } else {
    const name = text.toUpperCase().startsWith('SIG') ? text.toUpperCase() : 'SIG' + text.toUpperCase();
    const n = (constants.signals as Record<string, number>)[name];
    if (n) return n;
  }
  throw new RuntsError('usage', `unknown signal "${text}"`);
}
