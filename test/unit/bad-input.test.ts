// The pieces that turn bad input into one clear line: the JSON scanner (syntax errors with line
// and column, nesting bounded), the NUL finder (JSON Pointers), the bounded reader (regular files
// only) and the one-line escaping of messages.
import t from 'tap';
import { closeSync, constants, mkdtempSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonSyntaxError, MAX_DEPTH, parseJsonText } from '../../src/spec/json-text.js';
import { findNul } from '../../src/spec/nul.js';
import { MAX_INPUT, readInputFile } from '../../src/spec/read-input.js';
import { oneLine } from '../../src/cli/log.js';
import { parseArgs } from '../../src/cli/args.js';

const fail = (msg: string) => new Error(msg);

t.test('well-formed JSON passes the scanner and parses as JSON.parse does', async (t) => {
  const texts = ['{}', '[]', '0', '-1.5e+3', '"a\\u00e9\\n\\"b"', 'true', 'null', ' {"a": [1, {"b": null}, "x"], "c": false} ',
    '{"ociVersion":"1.0.2","process":{"args":["sh"],"env":[]}}', '[[[[[]]]]]', '{"":{"":[]}}', '"\\u2028 é 😀"'];
  for (const text of texts) {
    t.equal(jsonSyntaxError(text), undefined, JSON.stringify(text));
    t.same(parseJsonText(text, 'x', fail), JSON.parse(text));
  }
  t.equal(jsonSyntaxError('"\u2028"'), undefined, 'a raw line separator in a string');
});

t.test('malformed JSON: one line with line, column, what was expected and found', async (t) => {
  const cases: [string, RegExp][] = [
    ['{\n  // a comment\n  "a": 1}', /^line 2, column 3: expected a property name \(a string\), found "\/\/ a comment"\.\.\.$/],
    ['{"a": 1,}', /^line 1, column 9: expected a property name/],
    ['{"a" 1}', /^line 1, column 6: expected ':'/],
    ['[1 2]', /^line 1, column 4: expected ',' or '\]', found "2\]"/],
    ['{"a": [1}', /^line 1, column 9: expected ',' or '\]'/],
    ['{"a": ', /^line 1, column 7: expected a value, found the end of the input$/],
    ['', /^line 1, column 1: expected a value/],
    ['{} {}', /^line 1, column 4: expected the end of the input/],
    ['"tab\there"', /^line 1, column 5: expected a value/],
    ['"bad \\x escape"', /^line 1, column 6: expected a value/],
    ["{'a': 1}", /expected a property name/],
    ['[01]', /expected ',' or '\]'/],
    ['[NaN]', /expected a value/],
  ];
  for (const [text, re] of cases) {
    const e = jsonSyntaxError(text);
    t.match(e, re, JSON.stringify(text));
    t.notMatch(e ?? '', /\n/, 'one line');
    t.throws(() => parseJsonText(text, 'config.json', fail), { message: /^config\.json: invalid JSON at line \d+, column \d+: / });
  }
});

t.test('nesting is bounded before any recursive code sees it', async (t) => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  t.equal(jsonSyntaxError(deep(MAX_DEPTH)), undefined, `${MAX_DEPTH} levels pass`);
  t.match(jsonSyntaxError(deep(MAX_DEPTH + 1)), /nested deeper than 1000 levels/);
  t.match(jsonSyntaxError(`{"a":${deep(10_000)}}`), /^line 1, column \d+: nested deeper than 1000 levels$/);
  t.match(jsonSyntaxError('{"a":'.repeat(5000) + '1' + '}'.repeat(5000)), /nested deeper/);
  t.equal(jsonSyntaxError(JSON.stringify({ a: '['.repeat(10_000) })), undefined, 'brackets inside a string are text');
  const huge = JSON.stringify({ s: 'x'.repeat(8 << 20) });
  t.equal(jsonSyntaxError(huge), undefined, 'an 8 MiB string is scanned without a regexp stack');
});

t.test('findNul: the JSON Pointer of the first NUL, keys included, skipped members left alone', async (t) => {
  t.equal(findNul({ a: ['x', 'y\0'] }), '/a/1');
  t.equal(findNul({ 'k/~\0': 1 }), '/k~1~0\u0000');
  t.equal(findNul({ a: { b: 'ok' }, c: [{ d: 'n\0' }] }), '/c/0/d');
  t.equal(findNul({ annotations: { a: '\0' }, b: 'ok' }, '', ['/annotations']), undefined);
  t.equal(findNul('a\0'), '/');
  t.equal(findNul({ a: 1, b: true, c: null }), undefined);
});

t.test('readInputFile: regular files (and pipes where asked), bounded, clear errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runts-unit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ok.json'), '{}');
  t.equal(readInputFile(join(dir, 'ok.json'), 'ok.json', fail), '{}');
  spawnSync('mkfifo', [join(dir, 'fifo')]);
  t.throws(() => readInputFile(join(dir, 'fifo'), 'config.json', fail), { message: 'config.json is a FIFO, not a regular file' }, 'a FIFO does not block');
  symlinkSync('/dev/zero', join(dir, 'zero'));
  t.throws(() => readInputFile(join(dir, 'zero'), 'config.json', fail), { message: 'config.json is a character device, not a regular file' });
  t.throws(() => readInputFile(join(dir, 'zero'), 'p.json', fail, { pipe: true }), { message: 'p.json is a character device, not a regular file or a pipe' });
  t.equal(readInputFile(join(dir, 'fifo'), 'p.json', fail, { pipe: true }), '', 'a FIFO nobody writes to reads as empty, without blocking');
  // A FIFO whose one writer writes, pauses, writes again and exits: read to the end (EAGAIN
  // waited for). The writer's end is opened here (O_RDWR does not wait for a reader) and handed over.
  const w = openSync(join(dir, 'fifo'), constants.O_RDWR);
  spawn('sh', ['-c', 'printf "{\\"a\\":"; sleep 0.2; printf 1}'], { stdio: ['ignore', w, 'ignore'] });
  closeSync(w);
  t.equal(readInputFile(join(dir, 'fifo'), 'p.json', fail, { pipe: true }), '{"a":1}');
  mkdirSync(join(dir, 'sub'));
  t.throws(() => readInputFile(join(dir, 'sub'), 'f', fail), { message: 'f is a directory, not a regular file' });
  t.throws(() => readInputFile(join(dir, 'none'), 'f', fail), { message: `f: open ${join(dir, 'none')}: no such file or directory` });
  t.throws(() => readInputFile(join(dir, 'none'), 'f', fail, { missing: 'not found' }), { message: 'not found' });
  writeFileSync(join(dir, 'big'), Buffer.alloc(MAX_INPUT + 1, 0x20));
  t.throws(() => readInputFile(join(dir, 'big'), 'big', fail), { message: `big: larger than ${MAX_INPUT} bytes` });
});

t.test('oneLine: control characters escaped as in a JSON string', async (t) => {
  t.equal(oneLine('invalid id format: a\nb'), 'invalid id format: a\\nb');
  t.equal(oneLine('x\r\t\b\f\u0000\u001b\u007f\u0085\u2028y'), 'x\\r\\t\\b\\f\\u0000\\u001b\\u007f\\u0085\\u2028y');
  t.equal(oneLine('plain / text "quoted" é'), 'plain / text "quoted" é');
});

t.test('numeric flags are unsigned, as runc\'s Go uint flags', async (t) => {
  const spec = { 'preserve-fds': { type: 'number' as const, default: 0 } };
  t.equal(parseArgs(['--preserve-fds', '2'], spec).opts['preserve-fds'], 2);
  for (const v of ['-1', '+1', '1.5', 'x', '', '0x1']) {
    t.throws(() => parseArgs(['--preserve-fds', v], spec), { message: `invalid value "${v}" for flag -preserve-fds: parse error` }, v);
  }
});

t.test('oneLine: a huge message is cut in the middle', async (t) => {
  const line = oneLine(`config.json: /process/cwd: must be absolute (got "${'x'.repeat(1 << 20)}")`);
  t.ok(line.length <= 4096, `${line.length} characters`);
  t.match(line, /^config\.json: \/process\/cwd: must be absolute \(got "x+\.\.\.\(\d+ characters cut\)\.\.\.x+"\)$/);
});

t.test('errorLine: Node\'s fs errors in Go\'s words, wherever they are in the message', async (t) => {
  const { errorLine } = await import('../../src/linux/errors.js');
  const err = (m: string) => new Error(m);
  t.equal(errorLine(err("ENOENT: no such file or directory, open '/x/p.tmp'")), 'open /x/p.tmp: no such file or directory');
  t.equal(errorLine(err("exec failed: EACCES: permission denied, open '/a b'")), 'exec failed: open /a b: permission denied');
  t.equal(errorLine(err("EXDEV: cross-device link not permitted, rename '/a' -> '/b'")), 'rename /a /b: cross-device link not permitted');
  t.equal(errorLine(err('container does not exist')), 'container does not exist');
});
