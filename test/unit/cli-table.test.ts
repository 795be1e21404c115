// The command table loads each command's module only when it runs: each entry's name must be
// the name of the command it loads, and every command must be in it once.
import t from 'tap';
import { COMMANDS } from '../../src/cli/main.js';

for (const e of COMMANDS) t.equal(e.load().name, e.name, `the entry ${e.name} loads ${e.name}`);
t.equal(new Set(COMMANDS.map((e) => e.name)).size, COMMANDS.length, 'no command twice');
