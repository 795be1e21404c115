// runc's command-line habits that are pure functions: options after the arguments (urfave/cli
// v1's reordering), Go durations for --interval, signal 0, and Go's way of printing integers
// above 2^53 in JSON.
import t from 'tap';
import { parseArgs, reorderArgs, type OptSpec } from '../../src/cli/args.js';
import { parseGoDuration } from '../../src/cli/duration.js';
import { goJson } from '../../src/cli/go-json.js';
import { parseSignal } from '../../src/cli/signal.js';

const spec: OptSpec = {
  force: { type: 'boolean', alias: 'f' }, memory: { type: 'string' }, 'cpuset-cpus': { type: 'string' },
};

t.test('options after the container id move in front of it', async (t) => {
  t.same(reorderArgs(['ID', '--cpuset-cpus', '1'], spec), ['--cpuset-cpus', '1', 'ID']);
  t.same(reorderArgs(['ID', '-f'], spec), ['-f', 'ID']);
  t.same(reorderArgs(['ID', '--memory=1M', 'x'], spec), ['--memory=1M', 'ID', 'x']);
  t.same(reorderArgs(['--memory', '1M', 'ID'], spec), ['--memory', '1M', 'ID'], 'already in order');
  t.same(reorderArgs(['ID', '--nope', '-9'], spec), ['ID', '--nope', '-9'], 'undefined options stay arguments');
  t.same(reorderArgs(['ID', '--', '-f'], spec), ['ID', '--', '-f'], 'nothing moves after --');
  const p = parseArgs(reorderArgs(['ID', '--cpuset-cpus', '1', '--force'], spec), spec);
  t.same(p.args, ['ID']);
  t.same([p.opts['cpuset-cpus'], p.opts.force], ['1', true]);
});

t.test('Go durations', async (t) => {
  const cases: [string, number | undefined][] = [
    ['5s', 5000], ['1h', 3_600_000], ['1m30s', 90_000], ['250ms', 250], ['1.5s', 1500], ['.5s', 500], ['1.s', 1000],
    ['100us', 0.1], ['-1s', -1000], ['0', 0], ['0s', 0],
    ['5', undefined], ['', undefined], ['1x', undefined], ['s', undefined], ['1 s', undefined], ['1s ', undefined],
  ];
  for (const [text, ms] of cases) t.equal(parseGoDuration(text), ms, JSON.stringify(text));
});

t.test('signal 0 and the range of numbers', async (t) => {
  t.equal(parseSignal('0'), 0);
  t.equal(parseSignal('64'), 64);
  t.throws(() => parseSignal('65'), /unknown signal "65"/);
  t.equal(parseSignal('kill'), 9);
});

t.test('JSON integers above 2^53 are printed in full', async (t) => {
  t.equal(goJson({ limit: 9223372036854771712 }), '{"limit":9223372036854771712}');
  t.equal(goJson({ max: 2 ** 64 }), '{"max":18446744073709551615}', "2^64-1 (parseU64's \"max\") as Go prints it");
  t.equal(goJson({ a: [1, 2 ** 53 + 2], s: '\u0001x' }), '{"a":[1,9007199254740994],"s":"\\u0001x"}');
});
