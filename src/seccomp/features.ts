// linux.seccomp of `runts features`: the names runts accepts, and the flags the running kernel
// has (probed with seccomp(2); libseccomp is not loaded, runts exports and loads the BPF itself).
import type { SeccompFeatures } from '../spec/features.js';
import { supportedFlagNames } from './kernel-flags.js';
import { ACTIONS, ARCHS, FLAGS, OPERATORS } from '../spec/seccomp-names.js';

export function seccompFeatures(): SeccompFeatures {
  return {
    enabled: true,
    actions: Object.keys(ACTIONS).sort(),
    operators: Object.keys(OPERATORS).sort(),
    archs: Object.keys(ARCHS).sort(),
    knownFlags: Object.keys(FLAGS),
    supportedFlags: supportedFlagNames(),
  };
}
