// The one error type (src/errors.ts): context added by wrap() without changing the cause, the
// exit status from the kind, what a syscall and a cgroup error carry; and no other error class
// or plain `new Error` in src/.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { asKind, exitStatus, isKind, RuntsError, wrap } from '../../src/errors.js';
import { errnoOf, errorLine, sysError } from '../../src/linux/errors.js';
import { cgroupError, fileError, withNote } from '../../src/cgroups/errors.js';

t.test('wrap adds context once, as a new error caused by the old one', async (t) => {
  const inner = sysError('mount /a to /b', 1);
  const outer = wrap(inner, 'mount proc to /proc');
  t.equal(outer.message, 'mount proc to /proc: mount /a to /b: operation not permitted');
  t.equal(outer.cause, inner, 'the cause is the error wrapped');
  t.equal(inner.message, 'mount /a to /b: operation not permitted', 'the cause is unchanged');
  t.equal(outer.kind, 'runtime', 'the new error is of its own kind');
  t.equal(errnoOf(outer), undefined, 'what the cause carried stays with the cause');
  t.equal(wrap(new Error('plain'), 'exec failed').message, 'exec failed: plain', 'any thrown error can be wrapped');
  t.equal(wrap('text', 'ctx').message, 'ctx: text', 'even a thrown string');
});

t.test('a syscall error carries its op, errno, path and errno name', async (t) => {
  const e = sysError('openat2', 2, '/x');
  t.equal(e.message, 'openat2 /x: no such file or directory');
  t.same({ kind: e.kind, op: e.detail.op, errno: errnoOf(e), path: e.detail.path, code: e.code },
    { kind: 'sys', op: 'openat2', errno: 2, path: '/x', code: 'ENOENT' });
  t.equal(sysError('bpf', 22, undefined, ' (verifier: x)').message, 'bpf: invalid argument (verifier: x)');
});

t.test('a cgroup error: "cgroup: " once, its reason, file and code kept', async (t) => {
  const node = Object.assign(new Error('EBUSY: resource busy or locked, write'), { code: 'EBUSY' });
  const e = fileError('set memory.limit_in_bytes to 1', '/sys/fs/cgroup/memory/x', node, '', 'memory.limit_in_bytes');
  t.equal(e.message, 'cgroup: set memory.limit_in_bytes to 1 in /sys/fs/cgroup/memory/x: device or resource busy');
  t.same({ file: e.detail.file, code: e.code }, { file: 'memory.limit_in_bytes', code: 'EBUSY' });
  const noted = withNote(e, ' (current usage: 2)');
  t.equal(noted.message, `${e.message} (current usage: 2)`, 'a note follows the text');
  t.same({ file: noted.detail.file, code: noted.code, cause: noted.cause }, { file: 'memory.limit_in_bytes', code: 'EBUSY', cause: e });
  t.equal(cgroupError('x').message, 'cgroup: x');
});

t.test('the exit status comes from the kind', async (t) => {
  t.equal(exitStatus(new RuntsError('not-exist', 'container does not exist')), 1);
  t.equal(exitStatus(new Error('plain')), 1);
  const exec = asKind(new RuntsError('usage', 'flag provided but not defined: -x'), 'exec');
  t.equal(exitStatus(exec), 255, "exec's errors exit 255, as runc's");
  t.equal(exec.message, 'flag provided but not defined: -x', 'asKind keeps the text');
  t.ok(isKind(exec, 'exec') && !isKind(exec, 'usage'));
  const node = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT' });
  t.equal(asKind(node, 'exec').code, 'ENOENT', "a Node error's errno name is kept");
  t.equal(errorLine(wrap(node, 'exec failed')), 'exec failed: open /x: no such file or directory');
});

t.test('no other error type in src/', async (t) => {
  const src = resolve(import.meta.dirname, '../../src');
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'generated' ? [] : files(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
  const found = files(src).flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((line, i) =>
    /\bextends Error\b|\bnew Error\(/.test(line) && relative(src, f) !== 'errors.ts' ? [`${relative(src, f)}:${i + 1}: ${line.trim()}`] : []));
  t.same(found, [], 'every error is a RuntsError (src/errors.ts)');
});

t.test('a config error names the file and keeps the JSON path', async (t) => {
  const { configError } = await import('../../src/spec/config-error.js');
  const e = configError('/process/args', 'must not be empty');
  t.same({ message: e.message, kind: e.kind, jsonPath: e.detail.jsonPath },
    { message: 'config.json: /process/args: must not be empty', kind: 'config', jsonPath: '/process/args' });
  t.equal(configError('/cwd', 'must not contain a NUL byte', 'process.json').message, 'process.json: /cwd: must not contain a NUL byte');
});
