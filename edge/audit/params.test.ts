import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import { AUDIT_STREAMS } from '../../projectors/audit-log/queries.ts';
import { decodeCursor, encodeCursor, toFilter, toLimit } from './params.ts';

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
});
