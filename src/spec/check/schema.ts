// The runtime-spec's JSON schemas (schemas/, compiled ahead of time by scripts/gen-validators.mjs
// into src/spec/generated/) applied to what a user gives: config.json, or a part of it (an exec
// process, update's resources). Errors are one line: the JSON Pointer, then what is wrong.
import { RuntsError } from '../../errors.js';
import { validateConfigSchema, validateProcessSchema, validateResourcesSchema } from '../generated/validators.js';
import { configError } from '../config-error.js';
import { findNul } from '../nul.js';

export interface SchemaError { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }

const SCHEMAS = { config: validateConfigSchema, process: validateProcessSchema, resources: validateResourcesSchema };

/**
 * Checks a parsed document by the schema of config.json or of one of its parts (exec --process:
 * the process; update -r: linux.resources); `what` names the file in the error. Object members
 * whose value is null are removed first (in place): runc decodes with Go's encoding/json, for
 * which null is the same as absent, and Go-written configs carry such nulls.
 */
export function checkSchema(value: unknown, part: keyof typeof SCHEMAS, what: string): void {
  dropNulls(value);
  const validate = SCHEMAS[part];
  if (!validate(value)) throw new RuntsError('config', `${what}: ${formatSchemaError((validate.errors as SchemaError[])[0])}`);
}

/** No string of value holds a NUL byte (a C string would be cut there); skip: JSON Pointers left out. */
export function checkNoNul(value: unknown, what: string, skip: string[] = []): void {
  const nul = findNul(value, '', skip);
  if (nul) throw configError(nul, 'must not contain a NUL byte', what);
}

/** Removes null-valued members of every object (array elements stay: Go decodes them as zero values). */
export function dropNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) dropNulls(v);
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      if (obj[k] === null) delete obj[k];
      else dropNulls(obj[k]);
    }
  }
}

/** One line: the JSON Pointer of the offending value, then what is wrong with it. */
export function formatSchemaError(e: SchemaError): string {
  const at = (path: string) => path || '/';
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return `${e.instancePath}/${p.missingProperty as string}: is required`;
    case 'dependencies':
      return `${e.instancePath}/${p.missingProperty as string}: is required when ${p.property as string} is present`;
    case 'enum':
      return `${at(e.instancePath)}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${at(e.instancePath)}: must be ${article(String(p.type))}`;
    case 'minimum':
    case 'maximum':
      return `${at(e.instancePath)}: must be ${p.comparison as string} ${bound(p.limit as number)}`;
    case 'additionalProperties':
      return `${e.instancePath}/${p.additionalProperty as string}: is not a property defined by the spec`;
    case 'minItems':
      return `${at(e.instancePath)}: ${p.limit === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} items`}`;
    default:
      return `${at(e.instancePath)}: ${e.message ?? e.keyword}`;
  }
}

function article(type: string): string {
  if (type.includes(',')) return type.split(',').join(' or ');
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The bound as the spec's integer types write it (2^63 - 1 is not a double), with the type's name. */
const INT_BOUNDS = new Map<number, string>([
  [2 ** 16 - 1, '65535 (uint16)'], [2 ** 32 - 1, '4294967295 (uint32)'],
  [2 ** 31 - 1, '2147483647 (int32)'], [-(2 ** 31), '-2147483648 (int32)'],
  [2 ** 63, '9223372036854775807 (int64)'], [-(2 ** 63), '-9223372036854775808 (int64)'],
  [2 ** 64, '18446744073709551615 (uint64)'],
]);

function bound(limit: number): string {
  return INT_BOUNDS.get(limit) ?? String(limit);
}
