import t from 'tap';
import { parseArgs, requireArgs, type OptSpec } from '../../src/cli/args.js';
import { parseSignal } from '../../src/cli/signal.js';

const spec: OptSpec = {
  bundle: { type: 'string', alias: 'b', default: '' }, 'no-subreaper': { type: 'boolean' },
  'preserve-fds': { type: 'number', default: 0 }, env: { type: 'array', alias: 'e' },
  'status-fd': { type: 'int', default: -1 },
};

t.test('Go flag forms: -long and --long, = or separate value', async (t) => {
  t.same(parseArgs(['-no-subreaper', '--bundle', '/b', 'id'], spec).opts['no-subreaper'], true);
  t.equal(parseArgs(['-bundle=/x', 'id'], spec).opts.bundle, '/x');
  t.equal(parseArgs(['-b', '/y', 'id'], spec).opts.bundle, '/y');
  t.equal(parseArgs(['--preserve-fds', '2', 'id'], spec).opts['preserve-fds'], 2);
});

t.test('numbers: Go uints and ints', async (t) => {
  t.equal(parseArgs(['id'], spec).opts['status-fd'], -1, 'an int\'s default');
  t.equal(parseArgs(['--status-fd', '-1', 'id'], spec).opts['status-fd'], -1, 'a negative int, a separate value');
  t.equal(parseArgs(['--status-fd=+5', 'id'], spec).opts['status-fd'], 5);
  t.throws(() => parseArgs(['--status-fd', 'x', 'id'], spec), /^invalid value "x" for flag -status-fd: parse error$/);
  t.throws(() => parseArgs(['--preserve-fds', '-1', 'id'], spec), /^invalid value "-1" for flag -preserve-fds: parse error$/, 'a uint is not negative');
});

t.test('options stop at the first positional', async (t) => {
  const p = parseArgs(['-e', 'A=1', 'id', 'sh', '-c', 'echo --bundle'], spec);
  t.same(p.args, ['id', 'sh', '-c', 'echo --bundle']);
  t.same(p.opts.env, ['A=1']);
});

t.test('unknown flags are errors in runc words', async (t) => {
  t.throws(() => parseArgs(['--nope', 'id'], spec), /^flag provided but not defined: -nope$/);
  t.throws(() => parseArgs(['-x', 'id'], spec), /flag provided but not defined: -x/);
});

t.test('argument counts', async (t) => {
  t.throws(() => requireArgs('start', [], 1), /"start" requires exactly 1 argument\(s\)/);
  t.throws(() => requireArgs('kill', ['a', 'b', 'c'], 1, 2), /a maximum of 2/);
  t.doesNotThrow(() => requireArgs('kill', ['a'], 1, 2));
});

t.test('signals by name, with or without SIG, and number', async (t) => {
  t.equal(parseSignal('KILL'), 9);
  t.equal(parseSignal('SIGTERM'), 15);
  t.equal(parseSignal('sigusr1'), 10);
  t.equal(parseSignal('9'), 9);
  t.throws(() => parseSignal('NOPE'), /unknown signal "NOPE"/);
  t.throws(() => parseSignal('-1'), /unknown signal/); // 0 is kill(2)'s null signal: cli-runc-forms
});

t.test('values as Go converts them; array options collect every use', async (t) => {
  t.same(parseArgs(['-e', 'A=1', '--env=B=2', '-e', '-x', 'id'], spec).opts.env, ['A=1', 'B=2', '-x']);
  t.equal(parseArgs(['-no-subreaper=false', 'id'], spec).opts['no-subreaper'], false);
  t.equal(parseArgs(['id'], spec).opts['preserve-fds'], 0, 'the default');
  t.equal(parseArgs(['-b', '/z'], spec).opts.b, '/z', 'the alias too');
  t.same(parseArgs(['--', '-b', 'id'], spec).args, ['-b', 'id'], '"--" ends the options');
  t.throws(() => parseArgs(['--preserve-fds', 'x', 'id'], spec), /^invalid value "x" for flag -preserve-fds: parse error$/);
  t.throws(() => parseArgs(['-no-subreaper=maybe', 'id'], spec), /^invalid boolean value "maybe" for -no-subreaper: parse error$/);
  t.throws(() => parseArgs(['--bundle'], spec), /^flag needs an argument: -bundle$/);
});
