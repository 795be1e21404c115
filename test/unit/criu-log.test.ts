// criu's log read back for the one-line error of a failed checkpoint or restore (src/criu/binary.ts).
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { lastCriuError } from '../../src/criu/binary.js';

const dir = mkdtempSync(join(tmpdir(), 'runts-criu-log-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const log = (name: string, lines: string[]) => { const f = join(dir, name); writeFileSync(f, lines.join('\n') + '\n'); return f; };

t.equal(lastCriuError(join(dir, 'none.log')), undefined, 'no log: nothing');
t.equal(lastCriuError(log('ok.log', ['(00.1) Dumping finished successfully'])), undefined, 'no error: nothing');
t.equal(lastCriuError(log('last.log', [
  '(00.1) Error (criu/a.c:1): first',
  '(00.2) Error (criu/b.c:2): the cause',
  '(00.3) Error (criu/util.c:642): exited, status=4',
  '(00.4) Error (criu/cr-dump.c:2053): Dumping FAILED.',
])), 'the cause', 'the last error but the closing summary and a helper\'s status');
t.equal(lastCriuError(log('hint.log', [
  '(00.1) Error (criu/sk-inet.c:189): inet: Connected TCP socket, consider using --tcp-established option.',
  '(00.2) Error (criu/cr-dump.c:1635): Dump files (pid: 185) failed with -1',
  '(00.3) Error (criu/cr-dump.c:2053): Dumping FAILED.',
])), 'inet: Connected TCP socket, consider using --tcp-established option.', 'one naming the option that lets it through, before the later ones');
t.equal(lastCriuError(log('try.log', [
  '(00.1) Error (criu/file-lock.c:111): Some file locks are hold by dumping tasks! You can try --file-locks to dump them.',
  '(00.2) Error (criu/cr-dump.c:1635): Dump files (pid: 9) failed with -1',
])), 'Some file locks are hold by dumping tasks! You can try --file-locks to dump them.', 'criu\'s "You can try --" too');
