// Command bodies are checked against their JSON Schema (compiled once) before anything is decided.
import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import * as formats from 'ajv-formats';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
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
    refuseUnstorable(value);
    return (nullIsAbsent ? withoutNulls(value) : value) as T;
  });
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines each key, so even a '__proto__' key stays data, never a prototype.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** Validates query parameters the same way (all values arrive as strings). */
export function queryParams<T>(schema: JSONSchemaType<T>) {
  const validate = compileSchema(schema);
  return validator('query', (value) => {
    if (!validate(value)) {
      const { message, field } = describeError(validate.errors?.[0]);
      throw commonErrors.invalidRequest(message, { field });
    }
    refuseUnstorable(value);
    return value as T;
  });
}

// Node 20 has String.prototype.isWellFormed; TypeScript's ES2023 lib does not declare it.
const isWellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean })
  .isWellFormed;

/** Postgres text refuses NUL, and an unpaired surrogate is no character at all. */
export function storable(text: string): boolean {
  return !text.includes('\0') && isWellFormed.call(text);
}

/**
 * The first string, value or key, that a read model could not store, named the way
 * describeError names fields (a dotted path); undefined when there is none. Iterative, so
 * a deep value cannot exhaust the stack.
 */
export function unstorableField(value: unknown): string | undefined {
  return allStorable(value) ? undefined : firstUnstorable(value);
}

/** The common case, without building a name for every field on the way. */
function allStorable(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!storable(v)) return false;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        if (!storable(key)) return false;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return true;
}

function firstUnstorable(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [v, path] = next;
    if (typeof v === 'string') {
      if (!storable(v)) return path || '(body)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], path ? `${path}.${i}` : String(i)]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string, unknown];
        const field = path ? `${path}.${key}` : key;
        if (!storable(key)) return printable(field);
        stack.push([item, field]);
      }
    }
  }
  return undefined;
}

export function unstorableMessage(field: string): string {
  return `Field '${field}' holds a NUL or an unpaired surrogate, which cannot be stored.`;
}

function refuseUnstorable(value: unknown): void {
  const field = unstorableField(value);
  if (field !== undefined) throw commonErrors.invalidRequest(unstorableMessage(field), { field });
}

/** A field name that is itself unstorable, made printable to be named in an answer. */
function printable(field: string): string {
  return (field as unknown as { toWellFormed: () => string }).toWellFormed().replaceAll('\0', '\uFFFD');
}

/**
 * Path parameters are command fields too: each segment, decoded as the router decodes it,
 * must be storable, and escapes must spell UTF-8 (a lone surrogate can arrive no other way).
 * The parameter is named from the route that matched, else 'path'.
 */
export const storablePath: MiddlewareHandler = async (c, next) => {
  const segments = c.req.path.split('/');
  for (const [i, segment] of segments.entries()) {
    if (storableSegment(segment)) continue;
    const pattern = routePath(c, -1).split('/');
    const name = pattern.length === segments.length ? pattern[i] : undefined;
    const field = name?.startsWith(':') ? name.slice(1).replace(/\{.*$|\?$/, '') : 'path';
    throw commonErrors.invalidRequest(unstorableMessage(field), { field });
  }
  await next();
};

/** As Hono decodes a parameter, each run of escapes at once; a run that is not UTF-8 fails. */
function storableSegment(segment: string): boolean {
  if (!segment.includes('%')) return storable(segment);
  let ok = true;
  const decoded = segment.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      ok = false;
      return run;
    }
  });
  return ok && storable(decoded);
}

/**
 * better-auth's routes take strings of their own (a reset token, a session token, a name) and
 * pass them to Postgres, which refuses a NUL: the same boundary holds in front of them. The
 * body is read from a copy, so better-auth still reads the request as it came.
 */
export const storableAuthInput: MiddlewareHandler = async (c, next) => {
  for (const segment of c.req.path.split('/')) {
    if (!storableSegment(segment))
      throw commonErrors.invalidRequest(unstorableMessage('path'), { field: 'path' });
  }
  refuseUnstorable(Object.fromEntries(new URL(c.req.url).searchParams));
  if (c.req.method !== 'GET' && (c.req.header('Content-Type') ?? '').includes('json')) {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.raw.clone().text());
    } catch {
      body = undefined; // not JSON: better-auth answers for itself
    }
    refuseUnstorable(body);
  }
  await next();
};
