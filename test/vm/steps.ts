// Steps run in one boot of the test VM: `steps(share, lines)` makes the script (each line
// `step NAME COMMAND...` keeps COMMAND's stdout, stderr and status as NAME.out, NAME.err and
// NAME.rc in the share dir; $RT is the runtime under test with a --root of its own in the VM),
// `readStep` reads one back on the host (or one file NAME.EXT of a step's).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../lib/runtime.js';
import type { VmResult } from './vm.js';

export function steps(share: string, lines: string[]): string {
  return [
    'set -u',
    `RT="${BIN} --root /run/rtst-vm"`,
    `step() { name=$1; shift; "$@" >"${share}/$name.out" 2>"${share}/$name.err"; echo $? >"${share}/$name.rc"; }`,
    ...lines, '',
  ].join('\n');
}

export interface Step { rc: number; out: string; err: string }

export function readStep(share: string, name: string): Step;
export function readStep(share: string, name: string, ext: string): string;
export function readStep(share: string, name: string, ext?: string): Step | string {
  const read = (e: string) => { try { return readFileSync(join(share, `${name}.${e}`), 'utf8'); } catch { return ''; } };
  return ext ? read(ext) : { rc: Number(read('rc').trim() || NaN), out: read('out'), err: read('err') };
}

/** '' when the script ran to its end, else what the VM said (its stderr and console's tail). */
export function vmFailure(vm: VmResult): string {
  if (vm.status === 0) return '';
  // eslint-disable-next-line no-control-regex -- ESC starts the terminal sequences it strips
  const console = vm.console.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').slice(-2000);
  return `the VM did not finish its steps (status ${vm.status}): ${vm.stderr}\n${console}`;
}
