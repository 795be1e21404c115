// A process (config.json's, or an exec's: --process or the flags applied to the container's):
// the rules its schema cannot say. `what` names the document and `base` is the process's JSON
// Pointer in it ("/process" in config.json, "" in an exec --process file).
import { RuntsError } from '../../errors.js';
import { CAPABILITIES } from '../features.js';
import { parseIdList } from '../cpu-list.js';
import { RLIMITS } from '../rlimits.js';
import type { Process } from '../types.js';
import { failAt } from './fail.js';

interface Scheduler { policy: string; nice?: number; priority?: number; runtime?: number; deadline?: number; period?: number }

export function checkProcess(p: Process, what: string, base: string): void {
  const fail = (at: string, msg: string): never => failAt(what, base + at, msg);
  if (p.cwd === '') fail('/cwd', 'Cwd property must not be empty');
  if (!p.cwd.startsWith('/')) fail('/cwd', `Cwd must be an absolute path (got ${JSON.stringify(p.cwd)})`);
  if (!p.args || p.args.length === 0) fail('/args', 'args must not be empty');
  p.env?.forEach((kv, i) => {
    const eq = kv.indexOf('=');
    if (eq === -1) fail(`/env/${i}`, `invalid environment variable ${JSON.stringify(kv)}: missing '='`);
    if (eq === 0) fail(`/env/${i}`, `invalid environment variable ${JSON.stringify(kv)}: name cannot be empty`);
    if (kv.includes('\0')) fail(`/env/${i}`, `invalid environment variable ${JSON.stringify(kv.slice(0, eq))}: contains nul byte (\\x00)`);
  });
  checkRlimits(p, fail);
  checkCapabilities(p, fail);
  if (p.scheduler) checkScheduler(p.scheduler as unknown as Scheduler, fail);
  checkAffinity(p);
}

type Fail = (at: string, msg: string) => never;

function checkRlimits(p: Process, fail: Fail): void {
  // config.md: "If rlimits contains duplicated entries with same type, the runtime MUST generate
  // an error." (runc 1.1 does not check; the last entry would win there.)
  const seen = new Set<string>();
  p.rlimits?.forEach((r, i) => {
    if (!RLIMITS.includes(r.type.replace(/^RLIMIT_/, ''))) fail(`/rlimits/${i}/type`, `unknown rlimit type "${r.type}"`);
    if (seen.has(r.type)) fail(`/rlimits/${i}/type`, `duplicate rlimit type ${JSON.stringify(r.type)}`);
    seen.add(r.type);
  });
}

/** Every capability set names capabilities the kernel has (linux/capability.h). */
function checkCapabilities(p: Process, fail: Fail): void {
  for (const [set, names] of Object.entries(p.capabilities ?? {})) {
    (names as string[] | undefined)?.forEach((name, i) => {
      if (!CAPABILITIES.includes(name)) fail(`/capabilities/${set}/${i}`, `unknown capability "${name}"`);
    });
  }
}

/** sched_setattr(2) rules, with newer runc's messages. */
function checkScheduler(s: Scheduler, fail: Fail): void {
  if ((s.policy === 'SCHED_OTHER' || s.policy === 'SCHED_BATCH') && s.nice !== undefined && (s.nice < -20 || s.nice > 19)) {
    fail('/scheduler/nice', `invalid scheduler.nice: ${s.nice} when scheduler.policy is ${s.policy}`);
  }
  if (s.priority && s.policy !== 'SCHED_FIFO' && s.policy !== 'SCHED_RR') {
    fail('/scheduler/priority', 'scheduler.priority can only be specified for SchedFIFO or SchedRR policy');
  }
  if (s.policy !== 'SCHED_DEADLINE' && (s.runtime || s.deadline || s.period)) {
    fail('/scheduler', 'scheduler runtime/deadline/period can only be specified for SchedDeadline policy');
  }
}

/** execCPUAffinity's lists (checked for create too, as runc does), in runc's words; an empty
 * list is not set. */
function checkAffinity(p: Process): void {
  const lists: [string | undefined, string][] = [[p.execCPUAffinity?.initial, 'bad CPUAffinity.Initial'], [p.execCPUAffinity?.final, 'bad CPUAffinity.Final']];
  for (const [list, what] of lists) {
    if (list && !parseIdList(list, what).length) throw new RuntsError('config', `${what}: no members found in set "${list}"`);
  }
}
