// What an audit entry shows of an event: only the fields its schema marks audit_shown
// (contracts/proto/hearth/common/v1/audit.proto), read by walking the event's descriptor. The
// walk is planned once per event type; applying a plan reads the marked fields and nothing else,
// so message text, names and emails never reach the read model.
import { type DescEnum, type DescField, type DescMessage, getOption, ScalarType } from '@bufbuild/protobuf';
import { audit_shown } from '../../contracts/gen/hearth/common/v1/audit_pb.ts';

export type DetailValue = string | number | boolean | string[];
export type Details = Record<string, DetailValue>;

type Obj = Record<string, unknown>;
/** Reads one marked field of a message into `out`, under `prefix` + its proto name. */
type Step = (value: Obj, out: Details, prefix: string) => void;
/** Reads one element of a repeated field as text (a list cell holds strings). */
type Cell = (value: unknown) => string | undefined;

const TIMESTAMP = 'google.protobuf.Timestamp';
const plans = new WeakMap<DescMessage, Step[]>();

/** The marked fields of `value`, a message of type `desc` (as fromBinary or fast-decode build it). */
export function detailsOf(desc: DescMessage, value: object): Details {
  const out: Details = {};
  for (const step of planOf(desc)) step(value as Obj, out, '');
  return out;
}

/**
 * The steps that read a message's marked fields. Throws for a marked field of a kind an entry
 * cannot show (a map), so a schema change that marks one fails the contract test, not a batch.
 */
export function planOf(desc: DescMessage): Step[] {
  let plan = plans.get(desc);
  if (!plan) {
    // Set before the fields are planned: a message that holds itself recurses into this array.
    plan = [];
    plans.set(desc, plan);
    try {
      for (const field of desc.fields) if (getOption(field, audit_shown)) plan.push(stepFor(field));
    } catch (err) {
      plans.delete(desc);
      throw err;
    }
  }
  return plan;
}

/** The field's value: a oneof member lives under its oneof, as { case, value }, when it is the one set. */
function getter(field: DescField): (v: Obj) => unknown {
  const local = field.localName;
  const oneof = field.oneof;
  if (!oneof) return (v) => v[local];
  return (v) => {
    const o = v[oneof.localName] as { case?: unknown; value?: unknown } | undefined;
    return o && o.case === local ? o.value : undefined;
  };
}

function stepFor(field: DescField): Step {
  const key = field.name;
  const get = getter(field);
  switch (field.fieldKind) {
    case 'scalar': {
      const read = scalar(field.scalar);
      return (v, out, prefix) => {
        const x = read(get(v));
        if (x !== undefined) out[prefix + key] = x;
      };
    }
    case 'enum': {
      const name = enumName(field.enum);
      return (v, out, prefix) => {
        const x = name(get(v));
        if (x !== undefined) out[prefix + key] = x;
      };
    }
    case 'message': {
      if (field.message.typeName === TIMESTAMP)
        return (v, out, prefix) => {
          const at = timestamp(get(v));
          if (at !== undefined) out[prefix + key] = at;
        };
      const inner = field.message;
      planOf(inner); // its unsupported fields fail now, not when an event holds one
      return (v, out, prefix) => {
        const m = get(v);
        if (m && typeof m === 'object')
          for (const step of planOf(inner)) step(m as Obj, out, `${prefix}${key}.`);
      };
    }
    case 'list': {
      if (field.listKind === 'message') return listOfMessages(field.message, key, get);
      const cell: Cell =
        field.listKind === 'enum'
          ? enumName(field.enum)
          : (x) => {
              const s = scalar(field.scalar)(x);
              return s === undefined ? undefined : String(s);
            };
      return (v, out, prefix) => {
        const list = get(v);
        if (Array.isArray(list)) out[prefix + key] = cells(list, cell);
      };
    }
    case 'map':
      throw new Error(`${field.parent.typeName}.${key}: a marked map cannot be shown in the audit log`);
  }
}

/**
 * A repeated message (a match's placements): one list per marked field of the element, in the
 * elements' order, e.g. placements.user_id = ["ann", "bob"], placements.place = ["1", "2"]. An
 * element without a value for a field has '' in its cell, so the lists stay aligned.
 */
function listOfMessages(inner: DescMessage, key: string, get: (v: Obj) => unknown): Step {
  planOf(inner);
  return (v, out, prefix) => {
    const list = get(v);
    if (!Array.isArray(list)) return;
    const columns = new Map<string, string[]>();
    list.forEach((element, i) => {
      const one: Details = {};
      if (element && typeof element === 'object')
        for (const step of planOf(inner)) step(element as Obj, one, '');
      for (const [k, x] of Object.entries(one)) {
        let column = columns.get(k);
        if (!column) {
          column = new Array<string>(i).fill('');
          columns.set(k, column);
        }
        column.push(Array.isArray(x) ? x.join(' ') : String(x));
      }
      for (const column of columns.values()) if (column.length <= i) column.push('');
    });
    for (const [k, column] of columns) out[`${prefix}${key}.${k}`] = column;
  };
}

function cells(list: unknown[], cell: Cell): string[] {
  const out: string[] = [];
  for (const x of list) {
    const s = cell(x);
    if (s !== undefined) out.push(s);
  }
  return out;
}

function scalar(type: ScalarType): (x: unknown) => string | number | boolean | undefined {
  switch (type) {
    case ScalarType.STRING:
      return (x) => (typeof x === 'string' ? clean(x) : undefined);
    case ScalarType.BOOL:
      return (x) => (typeof x === 'boolean' ? x : undefined);
    case ScalarType.BYTES:
      return (x) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : undefined);
    default:
      // 64-bit integers arrive as bigint (or a string); beyond 2^53 they stay exact as text.
      return (x) => {
        if (typeof x === 'number') return Number.isFinite(x) ? x : String(x);
        if (typeof x === 'bigint' || typeof x === 'string') {
          const n = Number(x);
          return Number.isSafeInteger(n) ? n : String(x);
        }
        return undefined;
      };
  }
}

function enumName(desc: DescEnum): (x: unknown) => string | undefined {
  const names = new Map(desc.values.map((v) => [v.number, v.name]));
  return (x) => (typeof x === 'number' ? (names.get(x) ?? String(x)) : undefined);
}

function timestamp(x: unknown): string | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const { seconds, nanos } = x as { seconds?: unknown; nanos?: unknown };
  const ms = Number(seconds ?? 0) * 1000 + Math.floor(Number(nanos ?? 0) / 1e6);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

// Node 20 has String.prototype.toWellFormed; TypeScript's ES2023 lib does not declare it.
const toWellFormed = (String.prototype as unknown as { toWellFormed: (this: string) => string }).toWellFormed;
const NUL = /\0/g;

/** Text Postgres can store: no NUL, no unpaired surrogate (an old event may hold either). */
export function clean(text: string): string {
  const safe = text.includes('\0') ? text.replace(NUL, '') : text;
  return toWellFormed.call(safe);
}
