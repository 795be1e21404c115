// A CPU or NUMA node list ("0-3,7", spaces and empty elements allowed, as runc reads it) as the
// bit mask sched_setaffinity(2) and set_mempolicy(2) take: bit N in byte N/8, whole u64 words.
import { RuntsError } from '../errors.js';

/** The highest id accepted (runc's limit: a bogus id must not make a huge mask). */
const MAX_ID = 64 * 1024;

function id(text: string, what: string, list: string): number {
  if (!/^\d+$/.test(text)) throw new RuntsError('config', `${what}: "${list}": "${text}" is not a number`);
  const n = Number(text);
  if (n > MAX_ID) throw new RuntsError('config', `${what}: "${list}": values larger than ${MAX_ID} are not supported`);
  return n;
}

/** The ids of a list; an empty list (or one of commas only) gives none. */
export function parseIdList(list: string, what: string): number[] {
  const ids: number[] = [];
  for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [a, b] = part.split('-', 2);
    const start = id(a, what, list), end = b === undefined ? start : id(b, what, list);
    if (start > end) throw new RuntsError('config', `${what}: "${list}": invalid range ${part}`);
    for (let i = start; i <= end; i++) ids.push(i);
  }
  return ids;
}

export function idMask(ids: number[]): Buffer {
  const top = ids.reduce((m, i) => Math.max(m, i), 0);
  const mask = Buffer.alloc(8 * (Math.floor(top / 64) + 1));
  for (const i of ids) mask[i >> 3] |= 1 << (i & 7);
  return mask;
}
