// v1 blkio: weights (blkio.weight under CFQ, blkio.bfq.weight under BFQ), leaf weights, and
// throttles; stats from the first family of files this kernel has (BFQ, CFQ, throttle).
import type { Resources, ThrottleDevice, WeightDevice } from '../../spec/types.js';
import { hasFile, readOptional, writeValue } from '../fs.js';
import { unsupported, cgroupError } from '../errors.js';
import type { BlkioKey, RawStats } from '../stats.js';
import { wantsBlkio } from '../wants.js';
import type { V1Controller } from './controller.js';
import { type RuntsError } from '../../errors.js';

const THROTTLES = [
  ['throttleReadBpsDevice', 'blkio.throttle.read_bps_device'], ['throttleWriteBpsDevice', 'blkio.throttle.write_bps_device'],
  ['throttleReadIOPSDevice', 'blkio.throttle.read_iops_device'], ['throttleWriteIOPSDevice', 'blkio.throttle.write_iops_device'],
] as const;

/** CFQ's files, else BFQ's; none where no block device's scheduler supports weights. */
function weightFiles(dir: string): { weight: string; device: string } | undefined {
  if (hasFile(dir, 'blkio.weight')) return { weight: 'blkio.weight', device: 'blkio.weight_device' };
  if (hasFile(dir, 'blkio.bfq.weight')) return { weight: 'blkio.bfq.weight', device: 'blkio.bfq.weight_device' };
  return undefined;
}

function noWeights(setting: string, file: string): RuntsError {
  return unsupported(`blockIO.${setting}`, file, 'not supported by this host: no I/O scheduler with weights '
    + '(BFQ or CFQ) is available, so the kernel offers neither blkio.bfq.weight nor blkio.weight');
}

function setWeightDevices(dir: string, devices: WeightDevice[], file: string): void {
  for (const d of devices) {
    if (d.weight) writeValue(dir, file, `${d.major}:${d.minor} ${d.weight}`);
    if (d.leafWeight) writeValue(dir, 'blkio.leaf_weight_device', `${d.major}:${d.minor} ${d.leafWeight}`);
  }
}

function set(dir: string, r: Resources): void {
  const b = r.blockIO;
  if (!b) return;
  const files = weightFiles(dir);
  if (!files && b.weight) throw noWeights('weight', 'blkio.bfq.weight');
  if (!files && b.weightDevice?.some((d) => d.weight)) throw noWeights('weightDevice', 'blkio.bfq.weight_device');
  if (b.weight) writeValue(dir, files!.weight, b.weight);
  if (b.leafWeight) writeValue(dir, 'blkio.leaf_weight', b.leafWeight);
  setWeightDevices(dir, b.weightDevice ?? [], files?.device ?? '');
  for (const [key, file] of THROTTLES) {
    for (const t of (b[key] ?? []) as ThrottleDevice[]) writeValue(dir, file, `${t.major}:${t.minor} ${t.rate}`);
  }
}

/** "8:0 Read 1234" (or "8:0 1234") lines; "Total N" lines are skipped. */
export function parseBlkioStat(text: string, file: string): { major: number; minor: number; op: string; value: number }[] {
  const out = [];
  for (const line of text.split('\n')) {
    const f = line.split(/[ :]/).filter(Boolean);
    if (!f.length || (f.length === 2 && f[0] === 'Total')) continue;
    if (f.length < 3) throw cgroupError(`parse ${file}: malformed line ${JSON.stringify(line)}`);
    const op = f.length === 4 ? f[2] : '';
    out.push({ major: Number(f[0]), minor: Number(f[1]), op, value: Number(f[f.length - 1]) });
  }
  return out;
}

type Family = [string, BlkioKey][];
const FAMILIES: Family[] = [
  [['blkio.bfq.sectors_recursive', 'sectorsRecursive'], ['blkio.bfq.io_service_time_recursive', 'ioServiceTimeRecursive'],
    ['blkio.bfq.io_wait_time_recursive', 'ioWaitTimeRecursive'], ['blkio.bfq.io_merged_recursive', 'ioMergedRecursive'],
    ['blkio.bfq.io_queued_recursive', 'ioQueueRecursive'], ['blkio.bfq.time_recursive', 'ioTimeRecursive'],
    ['blkio.bfq.io_serviced_recursive', 'ioServicedRecursive'], ['blkio.bfq.io_service_bytes_recursive', 'ioServiceBytesRecursive']],
  [['blkio.bfq.io_serviced_recursive', 'ioServicedRecursive'], ['blkio.bfq.io_service_bytes_recursive', 'ioServiceBytesRecursive']],
  [['blkio.sectors_recursive', 'sectorsRecursive'], ['blkio.io_service_time_recursive', 'ioServiceTimeRecursive'],
    ['blkio.io_wait_time_recursive', 'ioWaitTimeRecursive'], ['blkio.io_merged_recursive', 'ioMergedRecursive'],
    ['blkio.io_queued_recursive', 'ioQueueRecursive'], ['blkio.time_recursive', 'ioTimeRecursive'],
    ['blkio.io_serviced_recursive', 'ioServicedRecursive'], ['blkio.io_service_bytes_recursive', 'ioServiceBytesRecursive']],
  [['blkio.throttle.io_serviced_recursive', 'ioServicedRecursive'], ['blkio.throttle.io_service_bytes_recursive', 'ioServiceBytesRecursive']],
  [['blkio.throttle.io_serviced', 'ioServicedRecursive'], ['blkio.throttle.io_service_bytes', 'ioServiceBytesRecursive']],
];

/** The first family whose first file exists and is not empty wins (as runc picks). */
function stats(dir: string, s: RawStats): void {
  for (const family of FAMILIES) {
    const first = readOptional(dir, family[0][0]);
    if (!first) continue;
    for (const [file, key] of family) s.blkio[key] = parseBlkioStat(readOptional(dir, file) ?? '', file);
    return;
  }
}

export const blkio: V1Controller = { name: 'blkio', wants: wantsBlkio, set, stats };
