// The marked-field plans of every event type the envelopes hold: each can be planned (no marked
// kind the read model cannot show), and reading an event with every field unset shows nothing
// it should not.
import { create, createFileRegistry, setExtension } from '@bufbuild/protobuf';
import { FieldOptionsSchema, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { ENVELOPES } from '../../contracts/events.ts';
import { audit_shown } from '../../contracts/gen/hearth/common/v1/audit_pb.ts';
import { DOMAINS } from '../../contracts/subjects.ts';
import { detailsOf, planOf } from './details.ts';

describe('the plan of every event type', () => {
  for (const domain of DOMAINS)
    it(`plans each ${domain} event and reads an empty one`, () => {
      const events = ENVELOPES[domain].fields.filter((f) => f.fieldKind === 'message' && f.oneof);
      expect(events.length).toBeGreaterThan(0);
      for (const field of events) {
        if (field.fieldKind !== 'message') continue;
        expect(() => planOf(field.message), field.message.typeName).not.toThrow();
        expect(() => detailsOf(field.message, create(field.message)), field.message.typeName).not.toThrow();
      }
    });
});

/** A message type made for the test: its fields (each marked unless said) and oneofs. */
function messageType(
  fields: {
    name: string;
    type: number;
    typeName?: string;
    label?: number;
    oneof?: number;
    marked?: boolean;
  }[],
  more: { oneofs?: string[]; nested?: object[]; enums?: object[] } = {},
) {
  const marked = create(FieldOptionsSchema);
  setExtension(marked, audit_shown, true);
  const file = create(FileDescriptorProtoSchema, {
    name: `t${++made}.proto`,
    package: `t${made}`,
    syntax: 'proto3',
    enumType: (more.enums ?? []) as never,
    messageType: [
      {
        name: 'M',
        oneofDecl: (more.oneofs ?? []).map((name) => ({ name })),
        nestedType: (more.nested ?? []) as never,
        field: fields.map((f, i) => ({
          name: f.name,
          jsonName: f.name,
          number: i + 1,
          type: f.type,
          label: f.label ?? 1,
          ...(f.typeName ? { typeName: f.typeName } : {}),
          ...(f.oneof === undefined ? {} : { oneofIndex: f.oneof }),
          ...(f.marked === false ? {} : { options: marked }),
        })),
      },
    ],
  });
  const desc = createFileRegistry(file, () => undefined).getMessage(`t${made}.M`);
  if (!desc) throw new Error('no message');
  return desc;
}
let made = 0;
const STRING = 9;
const ENUM = 14;
const MESSAGE = 11;
const REPEATED = 3;

describe('a marked field of each kind', () => {
  it('reads a oneof member under its oneof, only the one set', () => {
    const desc = messageType(
      [
        { name: 'by_id', type: STRING, oneof: 0 },
        { name: 'by_kind', type: ENUM, typeName: `.t${made + 1}.Kind`, oneof: 0 },
      ],
      {
        oneofs: ['who'],
        enums: [
          {
            name: 'Kind',
            value: [
              { name: 'KIND_NONE', number: 0 },
              { name: 'KIND_ADULT', number: 1 },
            ],
          },
        ],
      },
    );
    expect(detailsOf(desc, { who: { case: 'byId', value: 'ann' } })).toEqual({ by_id: 'ann' });
    expect(detailsOf(desc, { who: { case: 'byKind', value: 1 } })).toEqual({ by_kind: 'KIND_ADULT' });
    expect(detailsOf(desc, { who: { case: undefined } })).toEqual({});
  });

  it('refuses a marked map when it plans, not when an event holds one', () => {
    const desc = messageType(
      [{ name: 'tags', type: MESSAGE, typeName: `.t${made + 1}.M.TagsEntry`, label: REPEATED }],
      {
        nested: [
          {
            name: 'TagsEntry',
            options: { mapEntry: true },
            field: [
              { name: 'key', jsonName: 'key', number: 1, type: STRING, label: 1 },
              { name: 'value', jsonName: 'value', number: 2, type: STRING, label: 1 },
            ],
          },
        ],
      },
    );
    expect(() => planOf(desc)).toThrow(/marked map/);
  });

  it('keeps the lists of a repeated message aligned when an element lacks a field', () => {
    const desc = messageType(
      [{ name: 'rows', type: MESSAGE, typeName: `.t${made + 1}.M.Row`, label: REPEATED }],
      {
        nested: [
          {
            name: 'Row',
            field: [
              { name: 'id', jsonName: 'id', number: 1, type: STRING, label: 1, options: markedOptions() },
              {
                name: 'at',
                jsonName: 'at',
                number: 2,
                type: MESSAGE,
                typeName: `.t${made + 1}.M.Row`,
                label: 1,
                options: markedOptions(),
              },
            ],
          },
        ],
      },
    );
    const details = detailsOf(desc, { rows: [{ id: 'a' }, { id: 'b', at: { id: 'x' } }, { id: 'c' }] });
    expect(details).toEqual({ 'rows.id': ['a', 'b', 'c'], 'rows.at.id': ['', 'x', ''] });
  });
});

function markedOptions() {
  const options = create(FieldOptionsSchema);
  setExtension(options, audit_shown, true);
  return options;
}
