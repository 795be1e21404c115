// dist/runts.js chooses the lite bundle by lite.json before any of runts loads: the names there
// must be the lite bundle's commands, and the global options that take a value must be GLOBAL's.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { LITE_COMMANDS } from '../../src/cli/lite-commands.js';
import { GLOBAL } from '../../src/cli/dispatch.js';

const lite = JSON.parse(readFileSync(new URL('../../src/cli/lite.json', import.meta.url), 'utf8')) as { commands: string[]; globalsWithValue: string[] };

t.same(lite.commands, LITE_COMMANDS.map((c) => c.name), 'lite.json names the lite commands');
t.same([...lite.globalsWithValue].sort(), Object.keys(GLOBAL).filter((k) => GLOBAL[k].type !== 'boolean').sort(),
  'lite.json names the global options that take a value');
