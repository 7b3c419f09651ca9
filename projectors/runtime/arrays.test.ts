import { describe, expect, it } from 'vitest';
import { booleanArray, numberArray, textArray, timestampArray } from './arrays.ts';

const same = <T>(x: T) => x;

describe('Postgres array literals', () => {
  it('quote every string and escape quotes and backslashes', () => {
    expect(textArray(['a', '', 'NULL', 'say "hi"', 'back\\slash', null], same)).toBe(
      '{"a","","NULL","say \\"hi\\"","back\\\\slash",NULL}',
    );
  });

  it('write dates exactly as toISOString does', () => {
    const r = (() => {
      let x = 5;
      return () => {
        x = (x * 1103515245 + 12345) % 2147483648;
        return x / 2147483648;
      };
    })();
    for (let i = 0; i < 10_000; i++) {
      const d = new Date(Math.floor((r() - 0.3) * 2 ** 44));
      expect(timestampArray([d], same)).toBe(`{${d.toISOString()}}`);
    }
    expect(timestampArray([new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), null], same)).toBe(
      '{2026-01-02T03:04:05.006Z,NULL}',
    );
    expect(() => timestampArray([new Date(Number.NaN)], same)).toThrow(RangeError);
  });

  it('write numbers and booleans, and refuse what is not a number', () => {
    expect(numberArray([1, -2, 0, null, 2 ** 40], same)).toBe('{1,-2,0,NULL,1099511627776}');
    expect(() => numberArray([Number.NaN], same)).toThrow(RangeError);
    expect(booleanArray([true, false, null], same)).toBe('{t,f,NULL}');
  });
});
