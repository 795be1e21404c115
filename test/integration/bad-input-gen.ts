// The inputs of test/integration/bad-input.test.ts, generated from a seed: mutated config.json
// texts (types swapped, required fields removed, numbers out of range, NUL bytes, huge strings,
// deep nesting, unknown enum values, broken syntax), mutated exec --process and update -r
// documents, bad ids and bad flags. Every one of them is wrong by construction for runts.
import type { Spec } from '../../src/spec/types.js';

/** mulberry32: small, seedable, the same sequence on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = unknown;
export interface Mutant { kind: string; name: string; text: string }

const tokens = (ptr: string) => ptr.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));

function parentOf(doc: Json, ptr: string): [Record<string, Json>, string] {
  const ks = tokens(ptr);
  let node = doc as Record<string, Json>;
  for (const k of ks.slice(0, -1)) {
    node[k] ??= {};
    node = node[k] as Record<string, Json>;
  }
  return [node, ks[ks.length - 1]];
}

function setAt(doc: Json, ptr: string, v: Json): Json {
  if (ptr === '') return v;
  const [p, k] = parentOf(doc, ptr);
  p[k] = v;
  return doc;
}

function deleteAt(doc: Json, ptr: string): Json {
  const [p, k] = parentOf(doc, ptr);
  if (Array.isArray(p)) p.splice(Number(k), 1); else delete p[k];
  return doc;
}

/** Every member of the document (its pointer and value), the document itself included. */
function members(doc: Json, skip: string[]): [string, Json][] {
  const out: [string, Json][] = [];
  const walk = (v: Json, at: string) => {
    if (skip.includes(at)) return;
    out.push([at, v]);
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  walk(doc, '');
  return out;
}

/** Values of another JSON type than v's (null is left out: it stands for "absent"). */
function otherTypes(v: Json, huge: string): Json[] {
  if (typeof v === 'string') return [42, true, [], {}, [v]];
  if (typeof v === 'number') return [String(v), false, [v], { v }, huge, 1.5];
  if (typeof v === 'boolean') return [String(v), 1, [], {}];
  if (Array.isArray(v)) return [v.length ? v[0] : 'x', 7, {}, true, huge];
  return ['x', 3, [], false, huge];
}

const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];

function withNul(r: () => number, s: string): string {
  const at = Math.floor(r() * (s.length + 1));
  return s.slice(0, at) + '\u0000' + s.slice(at);
}

const deep = (n: number, leaf = '1') => '['.repeat(n) + leaf + ']'.repeat(n);

/** A hook, sysctl, namespace path and the like, so that their strings exist to be broken. */
export function richSpec(base: Spec): Spec {
  const s = structuredClone(base);
  s.hooks = { prestart: [{ path: '/bin/true', args: ['true', 'x'], env: ['A=b'] }] };
  s.linux!.sysctl = { 'net.ipv4.ip_forward': '0' };
  s.linux!.cgroupsPath = '/rtst-bad/x';
  s.process!.env = [...(s.process!.env ?? []), 'K=v'];
  return s;
}

/** Pointers of strings that reach the kernel, for the NUL cases. */
const KERNEL_STRINGS = [
  '/root/path', '/process/args/0', '/process/args/1', '/process/env/0', '/process/cwd', '/hostname', '/mounts/0/source',
  '/mounts/0/destination', '/mounts/0/type', '/mounts/1/options/0', '/hooks/prestart/0/path', '/hooks/prestart/0/args/1',
  '/hooks/prestart/0/env/0', '/linux/maskedPaths/0', '/linux/readonlyPaths/0', '/linux/sysctl/net.ipv4.ip_forward',
  '/linux/cgroupsPath', '/process/capabilities/bounding/0', '/process/rlimits/0/type', '/linux/namespaces/0/type',
];

const REQUIRED = [
  '/ociVersion', '/root', '/root/path', '/process/cwd', '/process/user', '/process/user/uid', '/process/user/gid',
  '/process/args', '/mounts/0/destination', '/mounts/2/destination', '/linux/namespaces/1/type', '/process/rlimits/0/type',
  '/process/rlimits/0/soft', '/process/rlimits/0/hard', '/linux/resources/devices/0/allow', '/hooks/prestart/0/path',
];

const OUT_OF_RANGE: [string, Json][] = [
  ['/process/user/uid', -1], ['/process/user/uid', 4294967296], ['/process/user/gid', -7], ['/process/user/gid', 1e20],
  ['/process/user/additionalGids', [1, -1]], ['/process/user/umask', -18], ['/process/oomScoreAdj', 1001],
  ['/process/oomScoreAdj', -1001], ['/process/rlimits/0/soft', -1], ['/process/rlimits/0/hard', 1.5],
  ['/process/consoleSize', { height: -1, width: 80 }], ['/linux/resources/memory', { limit: 1e20 }],
  ['/linux/resources/pids', { limit: 2.5 }], ['/linux/resources/cpu', { shares: -1 }], ['/linux/resources/cpu', { quota: 1e19 }],
  ['/linux/resources/blockIO', { weight: 70000 }], ['/process/ioPriority', { class: 'IOPRIO_CLASS_BE', priority: 8 }],
  ['/process/scheduler', { policy: 'SCHED_OTHER', nice: 2 ** 31 }], ['/hooks/prestart/0/timeout', -3],
  ['/linux/uidMappings', [{ containerID: -1, hostID: 0, size: 1 }]], ['/linux/timeOffsets', { monotonic: { secs: 1e19 } }],
];

const UNKNOWN_ENUMS: [string, Json][] = [
  ['/linux/namespaces/0/type', 'bogus'], ['/process/rlimits/0/type', 'RLIMIT_BOGUS'], ['/linux/rootfsPropagation', 'bogus'],
  ['/linux/seccomp', { defaultAction: 'SCMP_ACT_BOGUS' }], ['/linux/seccomp', { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_BOGUS'] }],
  ['/linux/seccomp', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_BOGUS' }] }],
  ['/process/scheduler', { policy: 'SCHED_BOGUS' }], ['/process/ioPriority', { class: 'IOPRIO_CLASS_BOGUS', priority: 0 }],
  ['/linux/personality', { domain: 'LINUX_BOGUS' }], ['/linux/devices', [{ path: '/dev/x', type: 'q', major: 1, minor: 1 }]],
  ['/linux/memoryPolicy', { mode: 'MPOL_BOGUS' }], ['/process/capabilities/bounding/0', 'CAP_BOGUS'],
  ['/linux/resources/devices/0/access', 'xyz'], ['/ociVersion', '2.0.0'], ['/ociVersion', 'not a version'],
];

function syntaxCases(r: () => number, text: string): [string, string][] {
  const out: [string, string][] = [
    ['a comment', text.replace('{', '{\n  // a comment\n')], ['a block comment', text.replace('{', '{ /* c */')],
    ['a trailing comma', text.replace(/\n}\s*$/, ',\n}')], ['single quotes', text.replace(/"ociVersion"/, "'ociVersion'")],
    ['NaN', text.replace(/"uid": 0/, '"uid": NaN')], ['a BOM', '\ufeff' + text], ['empty', ''], ['only spaces', '   \n '],
    ['an array', '[]'], ['a string', '"config"'], ['null', 'null'], ['two documents', text + text],
    ['a raw newline in a string', text.replace('"rtst"', '"rt\nst"')], ['a raw NUL', text.replace('"rtst"', '"rt\u0000st"')],
    ['a bad escape', text.replace('"rtst"', '"rt\\qst"')],
    ['binary garbage', String.fromCharCode(...Array.from({ length: 200 }, () => Math.floor(r() * 256)))],
    ['unquoted key', text.replace('"hostname"', 'hostname')], ['hex number', text.replace(/"uid": 0/, '"uid": 0x10')],
    ['leading zero', text.replace(/"uid": 0/, '"uid": 007')],
  ];
  for (let i = 0; i < 40; i++) {
    const at = 1 + Math.floor(r() * (text.length - 2));
    out.push([`truncated at ${at}`, text.slice(0, at)]);
  }
  return out;
}

/** The mutated config.json texts: at least 300. */
export function configMutants(seed: number, base: Spec): Mutant[] {
  const r = rng(seed);
  const rich = richSpec(base);
  const out: Mutant[] = [];
  const add = (kind: string, name: string, doc: Json) => out.push({ kind, name, text: JSON.stringify(doc, null, 2) });
  const edit = (f: (d: Spec) => Json) => f(structuredClone(rich));
  const huge = 'h'.repeat(1 << 20);
  for (const [ptr, v] of members(rich, ['/annotations'])) {
    const o = pick(r, otherTypes(v, huge));
    add('type swapped', `${ptr || '/'} = ${JSON.stringify(o).slice(0, 24)}`, edit((d) => setAt(d, ptr, structuredClone(o))));
  }
  for (const ptr of REQUIRED) add('required removed', ptr, edit((d) => deleteAt(d, ptr)));
  for (const [ptr, v] of OUT_OF_RANGE) add('out of range', `${ptr} = ${JSON.stringify(v)}`, edit((d) => setAt(d, ptr, v)));
  for (const [ptr, v] of UNKNOWN_ENUMS) add('unknown enum value', `${ptr} = ${JSON.stringify(v)}`, edit((d) => setAt(d, ptr, v)));
  for (const ptr of KERNEL_STRINGS) {
    for (let i = 0; i < 2; i++) {
      add('NUL byte', ptr, edit((d) => {
        if (ptr === '/linux/sysctl/net.ipv4.ip_forward' && i === 1) { d.linux!.sysctl = { 'net.ipv4\u0000.ip_forward': '0' }; return d; }
        const [p, k] = parentOf(d, ptr);
        return setAt(d, ptr, withNul(r, String(p[k] ?? 'x')));
      }));
    }
  }
  const hugeCases: [string, (d: Spec) => Json][] = [
    ['relative cwd', (d) => setAt(d, '/process/cwd', huge)], ['relative mount destination', (d) => setAt(d, '/mounts/0/destination', huge)],
    ['namespace type', (d) => setAt(d, '/linux/namespaces/0/type', huge)], ['rlimit type', (d) => setAt(d, '/process/rlimits/0/type', huge)],
    ['capability', (d) => setAt(d, '/process/capabilities/bounding/0', huge)], ['ociVersion', (d) => setAt(d, '/ociVersion', `9${huge}`)],
    ['relative hook path', (d) => setAt(d, '/hooks/prestart/0/path', huge)], ['uid as text', (d) => setAt(d, '/process/user/uid', huge)],
    ['env entry without =', (d) => setAt(d, '/process/env/0', huge)], ['sysctl key', (d) => setAt(d, '/linux/sysctl', { [huge]: '1' })],
    ['17 MiB of annotations', (d) => setAt(d, '/annotations', { big: 'a'.repeat(17 << 20) })],
  ];
  for (const [name, f] of hugeCases) add('huge string', name, edit(f));
  const text = JSON.stringify(rich, null, 2);
  const deepCases: [string, string][] = [
    ['10,000 levels at the top', text.replace(/\n}\s*$/, `,\n"deep": ${deep(10_000)}\n}`)],
    ['10,000 levels in annotations', text.replace(/\n}\s*$/, `,\n"annotations": {"a": ${deep(10_000, '"x"')}}\n}`)],
    ['10,000 objects in process', text.replace('"terminal"', `"x": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}, "terminal"`)],
    ['1,001 levels in linux', text.replace('"linux": {', `"linux": {"x": ${deep(1000)},`)],
    ['100,000 levels', deep(100_000)],
  ];
  for (const [name, t] of deepCases) out.push({ kind: 'deep nesting', name, text: t });
  for (const [name, t] of syntaxCases(r, text)) out.push({ kind: 'syntax', name, text: t });
  return out;
}

/** Mutated exec --process documents (the base: the container's process). */
export function processMutants(seed: number, base: Spec['process']): Mutant[] {
  const r = rng(seed + 1);
  const out: Mutant[] = [];
  const doc = structuredClone(base) as Json;
  for (const [ptr, v] of members(doc, [])) {
    const o = pick(r, otherTypes(v, 'p'.repeat(1 << 16)));
    out.push({ kind: 'process: type swapped', name: `${ptr || '/'}`, text: JSON.stringify(setAt(structuredClone(doc), ptr, o)) });
  }
  const edits: [string, Json][] = [['/args', []], ['/user/uid', -1], ['/oomScoreAdj', 5000], ['/cwd', 'relative'],
    ['/rlimits/0/type', 'RLIMIT_BOGUS'], ['/args/0', 'a\u0000b'], ['/env/0', 'A=\u0000'], ['/cwd', '/tmp\u0000/../etc']];
  for (const [ptr, v] of edits) out.push({ kind: 'process: bad value', name: `${ptr} = ${JSON.stringify(v)}`, text: JSON.stringify(setAt(structuredClone(doc), ptr, v)) });
  out.push({ kind: 'process: no args', name: 'args removed', text: JSON.stringify(deleteAt(structuredClone(doc), '/args')) });
  out.push({ kind: 'process: syntax', name: 'a comment', text: '{ // x\n "args": ["/multitool"] }' });
  out.push({ kind: 'process: deep', name: '10,000 levels', text: `{"args": ${deep(10_000, '"x"')}}` });
  return out;
}

/** Mutated update -r documents. */
export function resourceMutants(): Mutant[] {
  const docs: [string, Json][] = [
    ['memory limit as text', { memory: { limit: 'lots' } }], ['cpu shares negative', { cpu: { shares: -1 } }],
    ['pids limit fractional', { pids: { limit: 1.5 } }], ['blkio weight too big', { blockIO: { weight: 1e6 } }],
    ['devices not an array', { devices: { allow: true } }], ['unified value not a string', { unified: { 'memory.max': 5 } }],
    ['unified NUL', { unified: { 'memory.max': '1\u0000' } }], ['an array', [1, 2]], ['hugepage limit negative', { hugepageLimits: [{ pageSize: '2MB', limit: -1 }] }],
  ];
  const out = docs.map(([name, d]) => ({ kind: 'resources', name, text: JSON.stringify(d) }));
  out.push({ kind: 'resources', name: 'a comment', text: '{ /* x */ }' }, { kind: 'resources', name: '10,000 levels', text: deep(10_000) });
  return out;
}

/** Ids no command may accept, each echoed on one line. */
export const BAD_IDS = ['a\nb', 'a\tb', 'red\u001b[31mx', 'a\rb', '../x', 'a/b', '', 'i'.repeat(1024), '.', '..', ' a', 'a b', 'é', 'a\u2028b'];
