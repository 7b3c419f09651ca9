// A binary decoder compiled once per message type from its descriptor, for the projector's
// hot loop. fromBinary walks the reflection API for every field of every message, which
// costs several microseconds per event; this builds the same plain objects directly. It
// covers what proto3 schemas without maps or well-known wrappers use, and mirrors
// fromBinary there field for field (fast-decode.test.ts holds it to that); any other schema
// keeps fromBinary.
import { type DescField, type DescMessage, fromBinary, type Message, ScalarType } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { isWrapperDesc } from '@bufbuild/protobuf/wkt';

// Values from google/protobuf/descriptor.proto, as @bufbuild/protobuf uses them.
const EDITION_PROTO3 = 999;
const IMPLICIT = 2;
const RECURSION_LIMIT = 100;

type Obj = Record<string, unknown>;
/** BinaryReader keeps its buffer protected; the string fast path reads it directly. */
class Reader extends BinaryReader {
  /** The same bytes as a Buffer, for its latin1 decoding; bytes fields still come from the original. */
  readonly bytesRef: Buffer;
  constructor(bytes: Uint8Array) {
    super(bytes);
    // NATS hands out Buffers already; otherwise a view, no copy.
    this.bytesRef = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
type UnknownField = { no: number; wireType: WireType; data: Uint8Array };
type Plan = {
  typeName: string;
  zero: () => Obj;
  fields: Map<number, (msg: Obj, reader: Reader, wireType: WireType, depth: number) => void>;
};

const plans = new WeakMap<DescMessage, Plan | null>();

/** Same result as fromBinary(schema, bytes), and the same errors on malformed input. */
export function decodeMessage<T extends Message>(schema: GenMessage<T>, bytes: Uint8Array): T {
  const plan = planFor(schema);
  if (!plan) return fromBinary(schema, bytes);
  const msg = plan.zero();
  readMessage(plan, msg, new Reader(bytes), 0, bytes.byteLength);
  return msg as T;
}

/** Whether decodeMessage has its compiled decoder for this type (else it uses fromBinary). */
export function compiles(schema: DescMessage): boolean {
  return planFor(schema) !== null;
}

function planFor(desc: DescMessage): Plan | null {
  let plan = plans.get(desc);
  if (plan === undefined) {
    plan = supported(desc, new Set()) ? compile(desc, new Map()) : null;
    plans.set(desc, plan);
  }
  return plan;
}

/** Features outside what this decoder mirrors send the whole type back to fromBinary. */
function supported(desc: DescMessage, seen: Set<DescMessage>): boolean {
  if (seen.has(desc)) return true;
  seen.add(desc);
  // Explicit presence on scalars (proto2, editions) makes fromBinary use a prototype chain.
  if (desc.file.edition !== EDITION_PROTO3) return false;
  if (desc.typeName.startsWith('google.protobuf.') && desc.typeName !== 'google.protobuf.Timestamp')
    return false;
  for (const f of desc.fields) {
    if (f.fieldKind === 'map') return false;
    if (f.fieldKind === 'enum' && !f.enum.open) return false;
    if (f.fieldKind === 'list' && f.listKind === 'enum' && !f.enum.open) return false;
    if (f.fieldKind === 'message' || (f.fieldKind === 'list' && f.listKind === 'message')) {
      if (f.delimitedEncoding || isWrapperDesc(f.message)) return false;
      if (!supported(f.message, seen)) return false;
    }
  }
  return true;
}

function compile(desc: DescMessage, compiling: Map<DescMessage, Plan>): Plan {
  const known = compiling.get(desc);
  if (known) return known;
  const plan: Plan = { typeName: desc.typeName, zero: () => ({}), fields: new Map() };
  compiling.set(desc, plan);
  // Members in declaration order, as createZeroMessage sets them.
  const zeros: [string, () => unknown][] = [];
  for (const m of desc.members) {
    if (m.kind === 'oneof') zeros.push([m.localName, () => ({ case: undefined })]);
    else if (m.presence === IMPLICIT) zeros.push([m.localName, zeroOf(m)]);
  }
  plan.zero = () => {
    const msg: Obj = { $typeName: desc.typeName };
    for (const [name, zero] of zeros) msg[name] = zero();
    return msg;
  };
  for (const f of desc.fields) plan.fields.set(f.number, reader(f, compiling));
  return plan;
}

function zeroOf(f: DescField): () => unknown {
  if (f.fieldKind === 'list') return () => [];
  if (f.fieldKind === 'enum') {
    const first = f.enum.values[0]?.number ?? 0;
    return () => first;
  }
  if (f.fieldKind === 'scalar') {
    const zero = scalarZero(f.scalar, f.longAsString);
    return f.scalar === ScalarType.BYTES ? () => new Uint8Array(0) : () => zero;
  }
  return () => undefined;
}

function scalarZero(type: ScalarType, longAsString: boolean): unknown {
  switch (type) {
    case ScalarType.STRING:
      return '';
    case ScalarType.BOOL:
      return false;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SFIXED64:
    case ScalarType.FIXED64:
    case ScalarType.SINT64:
      return longAsString ? '0' : 0n;
    default:
      return 0;
  }
}

function reader(
  f: DescField,
  compiling: Map<DescMessage, Plan>,
): (msg: Obj, reader: Reader, wireType: WireType, depth: number) => void {
  const name = f.localName;
  const oneof = f.oneof?.localName;
  const set = oneof
    ? (msg: Obj, value: unknown) => {
        msg[oneof] = { case: name, value };
      }
    : (msg: Obj, value: unknown) => {
        msg[name] = value;
      };
  switch (f.fieldKind) {
    case 'scalar': {
      const read = scalarReader(f.scalar, f.utf8Validation, f.longAsString);
      return (msg, r) => set(msg, read(r));
    }
    case 'enum':
      return (msg, r) => set(msg, r.int32());
    case 'message': {
      const sub = compile(f.message, compiling);
      return (msg, r, _wt, depth) => {
        // A message field that occurs twice is merged, as fromBinary does.
        let target: Obj | undefined;
        if (oneof) {
          const current = msg[oneof] as { case: string | undefined; value?: Obj };
          if (current.case === name) target = current.value;
        } else target = msg[name] as Obj | undefined;
        target ??= sub.zero();
        const length = r.uint32();
        readMessage(sub, target, r, depth, r.pos + length);
        set(msg, target);
      };
    }
    case 'list': {
      if (f.listKind === 'message') {
        const sub = compile(f.message, compiling);
        return (msg, r, _wt, depth) => {
          const item = sub.zero();
          const length = r.uint32();
          readMessage(sub, item, r, depth, r.pos + length);
          (msg[name] as unknown[]).push(item);
        };
      }
      // Enum lists read as int32, like fromBinary.
      const type = f.listKind === 'scalar' ? f.scalar : ScalarType.INT32;
      const read = scalarReader(type, f.utf8Validation, f.listKind === 'scalar' && f.longAsString);
      const packable = type !== ScalarType.STRING && type !== ScalarType.BYTES;
      return (msg, r, wireType) => {
        const list = msg[name] as unknown[];
        if (!packable || wireType !== WireType.LengthDelimited) {
          list.push(read(r));
          return;
        }
        const end = r.uint32() + r.pos;
        while (r.pos < end) list.push(read(r));
      };
    }
    default:
      throw new Error(`unsupported field ${f.toString()}`);
  }
}

function scalarReader(type: ScalarType, strict: boolean, longAsString: boolean): (r: Reader) => unknown {
  const long = (read: (r: Reader) => bigint | string) =>
    longAsString ? (r: Reader) => String(read(r)) : read;
  switch (type) {
    case ScalarType.STRING:
      return (r) => readString(r, strict);
    case ScalarType.BOOL:
      return (r) => r.bool();
    case ScalarType.DOUBLE:
      return (r) => r.double();
    case ScalarType.FLOAT:
      return (r) => r.float();
    case ScalarType.INT32:
      return (r) => r.int32();
    case ScalarType.INT64:
      return long((r) => r.int64());
    case ScalarType.UINT64:
      return long((r) => r.uint64());
    case ScalarType.FIXED64:
      return long((r) => r.fixed64());
    case ScalarType.BYTES:
      return (r) => r.bytes();
    case ScalarType.FIXED32:
      return (r) => r.fixed32();
    case ScalarType.SFIXED32:
      return (r) => r.sfixed32();
    case ScalarType.SFIXED64:
      return long((r) => r.sfixed64());
    case ScalarType.SINT64:
      return long((r) => r.sint64());
    case ScalarType.UINT32:
      return (r) => r.uint32();
    case ScalarType.SINT32:
      return (r) => r.sint32();
  }
}

function readMessage(plan: Plan, msg: Obj, r: Reader, depth: number, end: number): void {
  const level = depth + 1;
  if (level > RECURSION_LIMIT) {
    throw new Error(
      `cannot decode message ${plan.typeName} from binary: maximum recursion depth of ${RECURSION_LIMIT} reached`,
    );
  }
  let unknown = msg.$unknown as UnknownField[] | undefined;
  while (r.pos < end) {
    // BinaryReader.tag() without its array.
    const at = r.pos;
    const tag = r.uint32();
    const read = r.pos - at;
    if (read > 5 || (read === 5 && (r.bytesRef[r.pos - 1] as number) > 0x0f))
      throw new Error('illegal tag: varint overflows uint32');
    const no = tag >>> 3;
    const wireType = tag & 7;
    if (no <= 0 || wireType > 5) throw new Error(`illegal tag: field no ${no} wire type ${wireType}`);
    const field = plan.fields.get(no);
    if (field) {
      field(msg, r, wireType, level);
      continue;
    }
    const data = r.skip(wireType, no, RECURSION_LIMIT - level);
    unknown ??= [];
    unknown.push({ no, wireType, data });
  }
  if (unknown && unknown.length > 0) msg.$unknown = unknown;
}

/**
 * ASCII strings (ids, names, roles: most of an event) are cut straight from the buffer as
 * latin1, which is the same for them and half the cost of TextDecoder on a subarray; any
 * other goes to BinaryReader.string.
 */
function readString(r: Reader, strict: boolean): string {
  const start = r.pos;
  const length = r.uint32();
  const from = r.pos;
  const to = from + length;
  const bytes = r.bytesRef;
  if (to <= bytes.length) {
    let i = from;
    while (i < to && (bytes[i] as number) < 0x80) i++;
    if (i === to) {
      r.pos = to;
      return bytes.toString('latin1', from, to);
    }
  }
  r.pos = start;
  return r.string(strict);
}
