// v1 -> v2 value conversions (runc's formulas).
import t from 'tap';
import { blkioWeightToIoWeight, sharesToWeight, swapToV2 } from '../../src/cgroups/convert.js';

t.test('cpu shares -> cpu.weight', async (t) => {
  t.equal(sharesToWeight(0), 0, 'unset');
  t.equal(sharesToWeight(2), 1);
  t.equal(sharesToWeight(1024), 100, 'the defaults match');
  t.equal(sharesToWeight(262144), 10000);
  t.equal(sharesToWeight(1 << 20), 10000, 'clamped');
  let prev = 0;
  for (let s = 2; s <= 262144; s *= 2) { const w = sharesToWeight(s); t.ok(w >= prev, `monotonic at ${s}`); prev = w; }
});

t.test('blkio weight -> io.weight', async (t) => {
  t.equal(blkioWeightToIoWeight(0), 0);
  t.equal(blkioWeightToIoWeight(10), 1);
  t.equal(blkioWeightToIoWeight(1000), 10000);
  t.equal(blkioWeightToIoWeight(500), 4950);
});

t.test('memory+swap -> memory.swap.max', async (t) => {
  t.equal(swapToV2(0, -1), -1, 'unlimited memory, swap unset: unlimited swap');
  t.equal(swapToV2(0, 100), 0, 'unset stays unset');
  t.equal(swapToV2(-1, 100), -1);
  t.equal(swapToV2(300, 100), 200);
  t.equal(swapToV2(100, 100), 0, 'equal means no swap');
  t.equal(swapToV2(300, -1), 300, 'unlimited memory: swap as is');
  t.throws(() => swapToV2(300, 0), /without memory limit/);
  t.throws(() => swapToV2(100, 300), /should be >= memory limit/);
});
