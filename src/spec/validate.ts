// config.json validation: the runtime-spec schema (schemas/, compiled ahead of time by
// scripts/gen-validators.mjs into generated/), then the semantic rules of semantic.ts.
import { ConfigError } from './errors.js';
import { validateConfigSchema } from './generated/validators.js';
import { checkSemantics } from './semantic.js';
import type { Spec } from './types.js';

interface SchemaError { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }

export function validateConfig(value: unknown): Spec {
  if (!validateConfigSchema(value)) {
    throw new ConfigError(`config.json: ${formatSchemaError((validateConfigSchema.errors as SchemaError[])[0])}`);
  }
  checkSemantics(value as Spec);
  return value as Spec;
}

export function formatSchemaError(e: SchemaError): string {
  const path = e.instancePath || '/';
  let msg = e.message ?? e.keyword;
  if (e.keyword === 'enum') msg += `: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return `${path}: ${msg}`;
}
