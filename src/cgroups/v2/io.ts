// v2 io: weights go to io.bfq.weight when BFQ is there (same 1-1000 range as blkio), otherwise
// to io.weight converted to 1-10000; throttles to io.max ("8:0 rbps=N"). leafWeight has no v2
// file and is ignored (as runc).
import type { Resources, ThrottleDevice } from '../../spec/types.js';
import { blkioWeightToIoWeight } from '../convert.js';
import { hasFile, readOptional, readValue, writeValue } from '../fs.js';
import type { RawStats } from '../stats.js';
import { wantsBlkio } from '../wants.js';
import type { V2Controller } from './controller.js';

const MAX_KEYS = [
  ['throttleReadBpsDevice', 'rbps'], ['throttleWriteBpsDevice', 'wbps'],
  ['throttleReadIOPSDevice', 'riops'], ['throttleWriteIOPSDevice', 'wiops'],
] as const;

function setWeights(dir: string, b: NonNullable<Resources['blockIO']>): void {
  const bfq = hasFile(dir, 'io.bfq.weight');
  // A BFQ file that reads "default N" (Linux >= 5.4) also takes per-device weights.
  const bfqDevices = bfq && !/^\d+$/.test(readValue(dir, 'io.bfq.weight'));
  if (b.weight) {
    if (bfq) writeValue(dir, 'io.bfq.weight', b.weight);
    else writeValue(dir, 'io.weight', blkioWeightToIoWeight(b.weight));
  }
  for (const d of b.weightDevice ?? []) {
    if (!d.weight) continue;
    if (bfqDevices) writeValue(dir, 'io.bfq.weight', `${d.major}:${d.minor} ${d.weight}`);
    else writeValue(dir, 'io.weight', `${d.major}:${d.minor} ${blkioWeightToIoWeight(d.weight)}`);
  }
}

function set(dir: string, r: Resources): void {
  const b = r.blockIO;
  if (!b) return;
  setWeights(dir, b);
  for (const [key, name] of MAX_KEYS) {
    for (const t of (b[key] ?? []) as ThrottleDevice[]) writeValue(dir, 'io.max', `${t.major}:${t.minor} ${name}=${t.rate}`);
  }
}

const STAT_KEYS: Record<string, ['ioServiceBytesRecursive' | 'ioServicedRecursive', string]> = {
  rbytes: ['ioServiceBytesRecursive', 'Read'], wbytes: ['ioServiceBytesRecursive', 'Write'],
  rios: ['ioServicedRecursive', 'Read'], wios: ['ioServicedRecursive', 'Write'],
};

/** io.stat lines: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
export function parseIoStat(text: string, s: RawStats): void {
  for (const line of text.split('\n')) {
    const [dev, ...kvs] = line.split(' ').filter(Boolean);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    for (const kv of kvs) {
      const [k, v] = kv.split('=');
      const t = STAT_KEYS[k];
      if (t) s.blkio[t[0]].push({ major: Number(m[1]), minor: Number(m[2]), op: t[1], value: Number(v) });
    }
  }
}

function stats(dir: string, s: RawStats): void {
  const text = readOptional(dir, 'io.stat');
  if (text !== undefined) parseIoStat(text, s);
}

export const io: V2Controller = { name: 'io', wants: wantsBlkio, set, stats };
