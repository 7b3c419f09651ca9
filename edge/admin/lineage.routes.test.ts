// A row's key as the lineage routes take it: a JSON array of as many stored strings as the
// table has key columns. Anything else is the caller's mistake, answered as one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import { storable } from '../http/validate.ts';
import { keyParam } from './lineage.routes.ts';

const pair = { key: ['channel_id', 'id'], seq: 'last_seq' } as const;

describe('a key parameter', () => {
  it('takes a JSON array of the key’s values', () => {
    expect(keyParam('["c1","m1"]', pair, 'key')).toEqual(['c1', 'm1']);
  });

  it.each([
    '',
    'c1',
    '["c1"]',
    '["c1","m1","x"]',
    '[1,2]',
    '{"0":"c1","1":"m1"}',
    '["c1",null]',
    '["a\\u0000","b"]',
  ])('refuses %j', (value) => {
    expect(() => keyParam(value, pair, 'key')).toThrow(HearthError);
  });

  it('gives back stored strings or refuses with the envelope, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }).map((a) => JSON.stringify(a)),
        ),
        (value) => {
          try {
            const key = keyParam(value, pair, 'key');
            expect(key).toHaveLength(2);
            for (const v of key) expect(storable(v)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(HearthError);
            expect((err as HearthError).status).toBe(400);
          }
        },
      ),
    );
  });
});
