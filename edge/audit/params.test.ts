import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_FILTER_RULES, type AuditFilterField, auditFilterAccepted } from '../../contracts/audit.api.ts';
import { HearthError } from '../../contracts/errors.ts';
import { AUDIT_STREAMS } from '../../projectors/audit-log/queries.ts';
import { compileSchema, storable } from '../http/validate.ts';
import { decodeCursor, encodeCursor, entriesQuery, toFilter, toLimit } from './params.ts';

/** Throws a 400 invalid_request, or nothing: never anything else. */
const refusedOrAccepted = (work: () => unknown) => {
  try {
    work();
  } catch (err) {
    expect(err).toBeInstanceOf(HearthError);
    expect((err as HearthError).status).toBe(400);
  }
};

describe('the audit parameters', () => {
  it('give a cursor back as it was made', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        fc.constantFrom(...AUDIT_STREAMS),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (at, stream, seq) => {
          expect(decodeCursor(encodeCursor({ at, stream, seq }))).toEqual({ at, stream, seq });
        },
      ),
    );
  });

  it('refuse any other cursor, date or limit with a 400', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, base) => {
        refusedOrAccepted(() => decodeCursor(text));
        refusedOrAccepted(() => decodeCursor(Buffer.from(base).toString('base64url')));
        refusedOrAccepted(() => toFilter({ from: text, to: base }));
        refusedOrAccepted(() => toLimit(text));
      }),
    );
  });

  it('read real dates only', () => {
    expect(toFilter({ from: '2030-03-01', to: '2030-03-01T10:00:00+02:00' })).toMatchObject({
      from: new Date('2030-03-01T00:00:00Z'),
      to: new Date('2030-03-01T08:00:00Z'),
    });
    for (const bad of ['2030-02-30', '2030-13-01', '2030-01-01T24:00:00Z', '2030-01-01T10:60Z'])
      expect(() => toFilter({ from: bad })).toThrow(HearthError);
  });

  it('take exactly the filters the console lets through', () => {
    const validate = compileSchema(entriesQuery);
    // What the entries route does with one filter: the schema, the storable check, then the dates.
    const routeTakes = (field: AuditFilterField, value: string) => {
      const query = { [field]: value };
      if (!validate(query) || !storable(value)) return false;
      try {
        toFilter(query);
        return true;
      } catch {
        return false;
      }
    };
    const near = (pattern: string) =>
      fc.oneof(
        fc.stringMatching(new RegExp(pattern)),
        fc.tuple(fc.stringMatching(new RegExp(pattern)), fc.string({ maxLength: 3 })).map(([a, b]) => a + b),
      );
    const values = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 210 }),
      near(AUDIT_FILTER_RULES.action),
      near(AUDIT_FILTER_RULES.target),
      near(AUDIT_FILTER_RULES.date),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom(
        ...['ok', 'refused', 'chat', 'chat.', 'POST /x', '2024-01-01T10:00', '2030-02-30', 'a\0b', '\uD800'],
        ...['x'.repeat(200), 'x'.repeat(201), '😀'.repeat(200), 'a'.repeat(128), 'a'.repeat(129)],
      ),
    );
    const fields = fc.constantFrom<AuditFilterField>(
      'actor',
      'action',
      'target',
      'outcome',
      'from',
      'to',
      'q',
    );
    fc.assert(
      fc.property(fields, values, (field, value) => {
        expect(auditFilterAccepted(field, value)).toBe(routeTakes(field, value));
      }),
      { numRuns: 2000 },
    );
  });
});
