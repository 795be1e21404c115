import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSpec, specFileText } from '../../spec/default-spec.js';
import { features } from '../../spec/features.js';
import { seccompFeatures } from '../../seccomp/features.js';
import { RuntimeError } from '../../container/errors.js';
import { out } from '../log.js';
import type { Command } from '../command.js';

export const specCmd: Command = {
  name: 'spec', usage: 'spec [command options]', args: [0, 0],
  options: { bundle: { type: 'string', alias: 'b', default: '' }, rootless: { type: 'boolean' } },
  run: (_g, o) => {
    const path = join((o.bundle as string) || '.', 'config.json');
    if (existsSync(path)) throw new RuntimeError('File config.json exists. Remove it first');
    writeFileSync(path, specFileText(defaultSpec({ rootless: !!o.rootless })));
  },
};

export const featuresCmd: Command = {
  name: 'features', usage: 'features', args: [0, 0], options: {},
  run: () => { out(JSON.stringify(features(seccompFeatures()), null, '    ') + '\n'); },
};
