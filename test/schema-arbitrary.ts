// fast-check arbitraries from the command JSON Schemas (the ajv JSONSchemaType objects in
// contracts/), and the hostile mutations of what they generate: wrong types, huge and deep
// values, unstorable strings, Object.prototype's names as keys, extra and missing fields.
import fc from 'fast-check';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: readonly string[];
  items?: Schema;
  enum?: readonly unknown[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
};

/**
 * Ids that exist in the hub under test, so generated commands get past "not found": any of
 * `ids` for any id field, and mostly `byField[name]` for a field (or array) of that name.
 */
export type Pools = { ids: readonly string[]; byField?: Record<string, readonly string[]> };

const ID_PATTERN = '^[A-Za-z0-9_-]{1,128}$';
const INT32 = 2 ** 31 - 1;

/** Values the schema accepts (patterns and lengths are approximated: most, not all). */
export function validValue(schema: object, pools: Pools): fc.Arbitrary<unknown> {
  return arbitrary(schema as Schema, pools, '');
}

function arbitrary(s: Schema, pools: Pools, name: string): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string':
      return text(s, pools, name);
    case 'integer': {
      const min = Math.max(s.minimum ?? -INT32, -INT32);
      const max = Math.min(s.maximum ?? INT32, INT32);
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max, ...(s.maximum ? [s.maximum] : [])));
    }
    case 'number':
      return fc.double({ min: s.minimum, max: s.maximum, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const min = s.minItems ?? 0;
      const max = Math.max(min, Math.min(s.maxItems ?? 3, 3));
      return fc.array(arbitrary(s.items ?? {}, pools, name), { minLength: min, maxLength: max });
    }
    case 'object': {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) model[k] = arbitrary(v, pools, k);
      const record = fc.record(model, { requiredKeys: [...(s.required ?? [])] });
      const least = s.minProperties ?? 0;
      return least > 0 ? record.filter((o) => Object.keys(o).length >= least) : record;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function text(s: Schema, pools: Pools, name: string): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const fits = (v: string) => {
    const n = [...v].length;
    return n >= min && n <= (s.maxLength ?? Number.POSITIVE_INFINITY);
  };
  if (s.format === 'date-time')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (s.format === 'uri') return fc.webUrl().filter(fits);
  if (s.pattern) {
    const matching = fc.stringMatching(new RegExp(s.pattern)).filter(fits);
    if (s.pattern !== ID_PATTERN) return matching;
    const named = pools.byField?.[name];
    const any = fc.oneof(fc.constantFrom(...pools.ids), matching);
    return named
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...named) }, { weight: 2, arbitrary: any })
      : any;
  }
  const max = Math.max(min, Math.min(s.maxLength ?? 40, 40));
  const graphemes = fc.string({ unit: 'grapheme', minLength: min, maxLength: max });
  // Any string the schema allows, NUL and lone surrogates included: the boundary must refuse
  // those a read model cannot store, however right the rest of the body is.
  return fc.oneof(
    { weight: 2, arbitrary: graphemes },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: max }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(graphemes, fc.constantFrom(...UNSTORABLE_CHARS), fc.nat())
        .map(([v, ch, i]) => `${v.slice(0, i % (v.length + 1))}${ch}${v.slice(i % (v.length + 1))}`),
    },
  );
}

// ---- mutations ----

type Path = (string | number)[];
export type Hostile = { label: string; value: unknown };

const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
];
// NUL twice: Postgres refuses it outright, where a lone surrogate is quietly replaced.
const UNSTORABLE_CHARS = ['\u0000', '\u0000', '\uD800', '\uDC00', '\uDBFF\uDBFF', '\uDFFF\uD800'];
const WRONG_TYPES: unknown[] = [
  0,
  -1,
  1.5,
  -0.5,
  1e308,
  2 ** 53 + 2,
  true,
  false,
  null,
  '',
  'x',
  [],
  {},
  [1, 'a'],
  { a: 1 },
];

/** A marker JSON text replaces with nesting deeper than JSON.stringify could build. */
const deep = (kind: 'a' | 'o', depth: number) => `\u0001deep:${kind}:${depth}\u0001`;

/** JSON text of a hostile value, its deep markers expanded. */
export function serialise(value: unknown): string | undefined {
  const json = JSON.stringify(value);
  return json?.replace(/"\\u0001deep:(a|o):(\d+)\\u0001"/g, (_, kind: string, n: string) => {
    const depth = Number(n);
    return kind === 'a'
      ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
  });
}

/** A valid value, left alone or mutated in one place. `maxBytes` bounds the huge values. */
export function hostileValue(
  valid: fc.Arbitrary<unknown>,
  { maxBytes }: { maxBytes: number },
): fc.Arbitrary<Hostile> {
  return valid.chain((base) => {
    const all = nodes(base, []);
    const objects = all.filter((p) => isObject(at(base, p)));
    const strings = all.filter((p) => typeof at(base, p) === 'string');
    const anywhere = fc.constantFrom(...all);
    const inObject = objects.length > 0 ? fc.constantFrom(...objects) : fc.constant(undefined);
    const put = (label: string, path: Path, value: unknown): Hostile => ({
      label: `${label} at ${path.join('.') || '(root)'}`,
      value: replaced(base, path, value),
    });
    const addKey = (label: string, path: Path | undefined, key: string, value: unknown): Hostile => {
      if (!path) return { label: `${label} (no object)`, value: base };
      const copy = structuredClone(base);
      // defineProperty, so even __proto__ becomes an own key that JSON.stringify writes out.
      Object.defineProperty(at(copy, path), key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return { label: `${label} ${JSON.stringify(key)} at ${path.join('.') || '(root)'}`, value: copy };
    };
    const huge = fc.constantFrom(
      'a'.repeat(Math.floor(maxBytes * 0.9)),
      '😀'.repeat(Math.floor(maxBytes / 5)),
      'a'.repeat(5000),
      Array.from({ length: Math.floor(maxBytes / 4) }, (_, i) => i % 10),
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
    );
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant({ label: 'valid', value: base }) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(anywhere, fc.constantFrom(...WRONG_TYPES))
          .map(([p, v]) => put('wrong type', p, v)),
      },
      { weight: 1, arbitrary: fc.tuple(anywhere, huge).map(([p, v]) => put('huge value', p, v)) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            anywhere,
            fc.constantFrom<'a' | 'o'>('a', 'o'),
            fc.integer({ min: 50, max: Math.floor(maxBytes / 6) }),
          )
          .map(([p, kind, depth]) => put('deep value', p, deep(kind, depth))),
      },
      {
        weight: 2,
        arbitrary:
          strings.length > 0
            ? fc
                .tuple(fc.constantFrom(...strings), fc.constantFrom(...UNSTORABLE_CHARS), fc.nat())
                .map(([p, ch, i]) => {
                  const v = at(base, p) as string;
                  const cut = v.length > 0 ? i % (v.length + 1) : 0;
                  return put('unstorable string', p, `${v.slice(0, cut)}${ch}${v.slice(cut)}`);
                })
            : fc.constant({ label: 'valid (no strings)', value: base }),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(inObject, fc.constantFrom(...UNSTORABLE_CHARS))
          .map(([p, ch]) => addKey('unstorable key', p, `k${ch}`, 1)),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            inObject,
            fc.constantFrom(...PROTOTYPE_NAMES),
            fc.constantFrom<unknown>({ polluted: true }, 'x', null, [], 1),
          )
          .map(([p, key, v]) => addKey('prototype key', p, key, v)),
      },
      {
        weight: 1,
        arbitrary:
          strings.length > 0
            ? fc
                .tuple(fc.constantFrom(...strings), fc.constantFrom(...PROTOTYPE_NAMES))
                .map(([p, name]) => put('prototype name', p, name))
            : fc.constant({ label: 'valid (no strings)', value: base }),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(inObject, fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
          .map(([p, key, v]) => addKey('extra field', p, key, v)),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(inObject, fc.nat()).map(([p, i]): Hostile => {
          if (!p) return { label: 'missing field (no object)', value: base };
          const copy = structuredClone(base);
          const target = at(copy, p) as Record<string, unknown>;
          const keys = Object.keys(target);
          const key = keys[i % Math.max(keys.length, 1)];
          if (key !== undefined) delete target[key];
          return { label: `missing ${key ?? 'nothing'} at ${p.join('.') || '(root)'}`, value: copy };
        }),
      },
    );
  });
}

/** Bodies that are not a JSON object at all, as raw text. */
export const NOT_AN_OBJECT = [
  '',
  '{',
  '{"a":',
  '}',
  'null',
  '[]',
  '"x"',
  '0',
  'true',
  '\u0000',
  '{"a":1}{"b":2}',
  '\uFEFF{}',
];

function nodes(v: unknown, path: Path): Path[] {
  if (Array.isArray(v)) return [path, ...v.flatMap((item, i) => nodes(item, [...path, i]))];
  if (isObject(v)) return [path, ...Object.entries(v).flatMap(([k, item]) => nodes(item, [...path, k]))];
  return [path];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function at(v: unknown, path: Path): unknown {
  let cur = v;
  for (const k of path) cur = (cur as Record<string | number, unknown>)[k];
  return cur;
}

function replaced(base: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(base);
  const parent = at(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1) as string | number] = value;
  return copy;
}
