import { writeDefaultSpec } from '../../spec/default-spec.js';
import { features } from '../../spec/features.js';
import { seccompFeatures } from '../../seccomp/features.js';
import { out } from '../log.js';
import type { Command } from '../command.js';

export const specCmd: Command = {
  name: 'spec', usage: 'spec [command options]', args: [0, 0], summary: 'write a default config.json',
  options: {
    bundle: { type: 'string', alias: 'b', default: '', describe: 'the bundle directory to write config.json into' },
    rootless: { type: 'boolean', describe: 'a config for a container run without root' },
  },
  run: (_g, o) => writeDefaultSpec(o.bundle as string, !!o.rootless),
};

export const featuresCmd: Command = {
  name: 'features', usage: 'features', args: [0, 0], summary: 'print the features runts implements (JSON)', options: {},
  run: () => { out(JSON.stringify(features(seccompFeatures()), null, '    ') + '\n'); },
};
