// Command bodies are checked against their JSON Schema (compiled once) before anything is decided.
import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import * as formats from 'ajv-formats';
import { validator } from 'hono/validator';
import { commonErrors } from '../../contracts/errors.ts';

const ajv = new Ajv({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false });
// ajv-formats ships CommonJS; under ESM its function arrives as the default export.
(formats.default as unknown as (a: Ajv) => void)(ajv);

export function compileSchema<T>(schema: JSONSchemaType<T>): ValidateFunction<T> {
  return ajv.compile(schema);
}

export function describeError(error: ErrorObject | undefined): { message: string; field: string } {
  if (!error) return { message: 'The body is invalid.', field: '' };
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (error.keyword === 'additionalProperties') {
    const extra = String(error.params.additionalProperty);
    const field = path ? `${path}.${extra}` : extra;
    return { message: `Unknown field '${field}'.`, field };
  }
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    const field = path ? `${path}.${missing}` : missing;
    return { message: `Missing field '${field}'.`, field };
  }
  return { message: `Field '${path || '(body)'}' ${error.message ?? 'is invalid'}.`, field: path };
}

/**
 * Validates a JSON body; a bad one is a 400 invalid_request that names the failing field.
 * JSONSchemaType makes every optional field nullable; with `nullIsAbsent` a null anywhere in
 * the body counts as the field left out, for bodies where null means nothing else.
 */
export function jsonBody<T>(schema: JSONSchemaType<T>, { nullIsAbsent = false } = {}) {
  const validate = compileSchema(schema);
  return validator('json', (value) => {
    if (!validate(value)) {
      const { message, field } = describeError(validate.errors?.[0]);
      throw commonErrors.invalidRequest(message, { field });
    }
    return (nullIsAbsent ? withoutNulls(value) : value) as T;
  });
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

/** Validates query parameters the same way (all values arrive as strings). */
export function queryParams<T>(schema: JSONSchemaType<T>) {
  const validate = compileSchema(schema);
  return validator('query', (value) => {
    if (!validate(value)) {
      const { message, field } = describeError(validate.errors?.[0]);
      throw commonErrors.invalidRequest(message, { field });
    }
    return value as T;
  });
}
