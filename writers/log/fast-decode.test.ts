import {
  create,
  type DescField,
  type DescMessage,
  fromBinary,
  ScalarType,
  toBinary,
} from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ENVELOPES } from '../../contracts/events.ts';
import { compiles, decodeMessage } from './fast-decode.ts';

// A fixed-step generator: a failure reproduces.
function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const STRINGS = [
  '',
  'u1',
  'member',
  'ann@family.test',
  'é',
  'Ünïcödé 🎉',
  'x'.repeat(70),
  'a"b\\c',
  '\u0000',
];

function value(f: DescField, r: () => number, depth: number): unknown {
  const one = () => {
    if (f.fieldKind === 'message' || (f.fieldKind === 'list' && f.listKind === 'message'))
      return message(f.message, r, depth + 1);
    if (f.fieldKind === 'enum' || (f.fieldKind === 'list' && f.listKind === 'enum'))
      return f.enum.values[Math.floor(r() * f.enum.values.length)]?.number ?? 0;
    return scalar(
      f.fieldKind === 'scalar' || f.fieldKind === 'list' ? (f.scalar ?? ScalarType.INT32) : ScalarType.INT32,
      r,
    );
  };
  if (f.fieldKind === 'list') return Array.from({ length: Math.floor(r() * 4) }, one);
  return one();
}

function scalar(type: ScalarType, r: () => number): unknown {
  const n = Math.floor(r() * 2 ** 31) * (r() < 0.3 ? -1 : 1);
  switch (type) {
    case ScalarType.STRING:
      return STRINGS[Math.floor(r() * STRINGS.length)];
    case ScalarType.BOOL:
      return r() < 0.5;
    case ScalarType.BYTES:
      return new Uint8Array([n & 255, 0, 255]);
    case ScalarType.DOUBLE:
      return n / 7;
    case ScalarType.FLOAT:
      return Math.fround(n / 7);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return BigInt(n) * 4294967296n + BigInt(Math.abs(n));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return BigInt(Math.abs(n)) * 4294967296n;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return Math.abs(n);
    default:
      return n;
  }
}

function message(desc: DescMessage, r: () => number, depth = 0): ReturnType<typeof create> {
  const init: Record<string, unknown> = {};
  if (depth < 4) {
    for (const m of desc.members) {
      if (m.kind === 'oneof') {
        const f = m.fields[Math.floor(r() * (m.fields.length + 1))];
        if (f) init[m.localName] = { case: f.localName, value: value(f, r, depth) };
      } else if (m.fieldKind !== 'map' && r() < 0.7) init[m.localName] = value(m, r, depth);
    }
  }
  return create(desc, init as never);
}

const decodeBoth = (schema: DescMessage, bytes: Uint8Array) => {
  const run = (f: () => unknown) => {
    try {
      return { value: f() };
    } catch (err) {
      return { error: String(err) };
    }
  };
  return [run(() => decodeMessage(schema as never, bytes)), run(() => fromBinary(schema, bytes))];
};

it('is what the users projection reads identity events with', () => {
  // Other envelopes may grow fields it leaves to fromBinary; this one is the hot path.
  expect(compiles(ENVELOPES.identity)).toBe(true);
});

describe.each(Object.entries(ENVELOPES))('the compiled decoder for the %s envelope', (_domain, schema) => {
  it('decodes what fromBinary decodes, field for field', () => {
    const r = rng(7);
    for (let i = 0; i < 2000; i++) {
      const bytes = toBinary(schema, message(schema, r) as never);
      expect(decodeMessage(schema, bytes)).toStrictEqual(fromBinary(schema, bytes));
    }
  });

  it('merges repeated messages and keeps unknown fields as fromBinary does', () => {
    const r = rng(11);
    for (let i = 0; i < 500; i++) {
      const a = toBinary(schema, message(schema, r) as never);
      const b = toBinary(schema, message(schema, r) as never);
      // Field 900: a varint and a length-delimited value the schema does not know.
      const unknown = [0xa0, 0x38, 0x2a, 0xa2, 0x38, 0x02, 0x68, 0x69];
      const bytes = new Uint8Array([...a, ...unknown, ...b]);
      expect(decodeMessage(schema, bytes)).toStrictEqual(fromBinary(schema, bytes));
    }
  });

  it('fails, or not, on damaged input exactly as fromBinary does', () => {
    const r = rng(13);
    for (let i = 0; i < 2000; i++) {
      const bytes = toBinary(schema, message(schema, r) as never).slice();
      if (bytes.length === 0) continue;
      if (r() < 0.5) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      const cut = r() < 0.5 ? bytes.subarray(0, Math.floor(r() * bytes.length)) : bytes;
      const [fast, slow] = decodeBoth(schema, cut);
      expect(fast).toStrictEqual(slow);
    }
  });
});

describe('the metadata every event carries', () => {
  it('keeps where its command came from (fields 6 and 7), as fromBinary does', () => {
    const schema = ENVELOPES.chat;
    const agent = 'Mozilla/5.0 (X11; Linux) Ünïcödé 🎉';
    const bytes = toBinary(
      schema,
      create(schema, {
        metadata: { actorId: 'ann', correlationId: 'c', clientIp: '2001:db8::7', userAgent: agent },
      } as never),
    );
    const decoded = decodeMessage(schema, bytes) as unknown as {
      metadata: { clientIp: string; userAgent: string; $unknown?: unknown };
    };
    expect(decoded.metadata.clientIp).toBe('2001:db8::7');
    expect(decoded.metadata.userAgent).toBe(agent);
    expect(decoded.metadata.$unknown).toBeUndefined();
    expect(decoded).toStrictEqual(fromBinary(schema, bytes));
  });
});
