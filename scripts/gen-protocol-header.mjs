// Prints native/protocol.h: the C view of src/protocol/messages.ts, so the message and
// attribute numbers are defined in one place.
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';

const ts = readFileSync(new URL('../src/protocol/messages.ts', import.meta.url), 'utf8');
const { code } = transformSync(ts, { loader: 'ts', format: 'esm' });
const mod = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
const lines = [
  '/* Generated from src/protocol/messages.ts by scripts/gen-protocol-header.mjs; do not edit. */',
  '#ifndef RUNTS_PROTOCOL_H', '#define RUNTS_PROTOCOL_H', '',
];
for (const [name, v] of Object.entries(mod.MSG)) lines.push(`#define MSG_${name} ${v}`);
lines.push('');
for (const [name, v] of Object.entries(mod.ATTR)) lines.push(`#define ATTR_${name} ${v}`);
lines.push('', '#endif', '');
process.stdout.write(lines.join('\n'));
