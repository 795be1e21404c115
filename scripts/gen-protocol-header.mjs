// Prints native/protocol.h: the C view of src/protocol/messages.ts, so the message and
// attribute numbers, and which attributes each message carries, are defined in one place.
// native/common.h's check_msg() reads the tables.
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';

const ts = readFileSync(new URL('../src/protocol/messages.ts', import.meta.url), 'utf8');
const { code } = transformSync(ts, { loader: 'ts', format: 'esm' });
const mod = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
const COUNT = { ONE: 'PROTO_ONE', OPT: 'PROTO_OPT', MANY: 'PROTO_MANY' };
const lines = [
  '/* Generated from src/protocol/messages.ts by scripts/gen-protocol-header.mjs; do not edit. */',
  '#ifndef RUNTS_PROTOCOL_H', '#define RUNTS_PROTOCOL_H', '#include <stddef.h>', '#include <stdint.h>', '',
];
for (const [name, v] of Object.entries(mod.MSG)) lines.push(`#define MSG_${name} ${v}`);
lines.push('');
for (const [name, v] of Object.entries(mod.ATTR)) lines.push(`#define ATTR_${name} ${v}`);
lines.push('',
  '/* How often an attribute appears in a message: exactly once, at most once, any number of times. */',
  'enum proto_count { PROTO_ONE = 1, PROTO_OPT, PROTO_MANY };',
  '/* type: 0 bytes of any length, 4 a u32, 8 u64 words. */',
  'struct proto_attr { uint32_t id; enum proto_count count; unsigned type; const char *name; };',
  'struct proto_msg { const char *name; const struct proto_attr *attrs; size_t nattrs; };',
  `#define PROTO_MAX_ATTRS ${Math.max(...Object.values(mod.MESSAGES).map((r) => Object.keys(r).length))}`, '');
const SIZE = { u32: 4, u64s: 8, str: 0, bytes: 0 };
for (const [msg, rules] of Object.entries(mod.MESSAGES)) {
  const rows = Object.entries(rules).map(([a, count]) => `\t{ ATTR_${a}, ${COUNT[count]}, ${SIZE[mod.ATTRS[a][1]]}, "${a}" },`);
  if (rows.length) lines.push(`__attribute__((unused)) static const struct proto_attr proto_${msg}[] = {`, ...rows, '};');
}
lines.push('', '/* Indexed by message kind. */', '__attribute__((unused)) static const struct proto_msg proto_msgs[] = {');
for (const [msg, rules] of Object.entries(mod.MESSAGES)) {
  const n = Object.keys(rules).length;
  lines.push(`\t[MSG_${msg}] = { "${msg}", ${n ? `proto_${msg}` : 'NULL'}, ${n} },`);
}
lines.push('};', '', '/* Every attribute, by number: a name for an error about an unknown one. */',
  '__attribute__((unused)) static const struct { uint32_t id; const char *name; } proto_attr_names[] = {');
for (const name of Object.keys(mod.ATTR)) lines.push(`\t{ ATTR_${name}, "${name}" },`);
lines.push('};', '', '#endif', '');
process.stdout.write(lines.join('\n'));
