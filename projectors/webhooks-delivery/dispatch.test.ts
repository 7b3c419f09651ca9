import { describe, expect, it } from 'vitest';
import { backoffMs } from './dispatch.ts';

describe('the wait between attempts', () => {
  const o = { backoffMs: 1000, backoffMaxMs: 10_000 };
  it('doubles after each failure, within ±20 %', () => {
    for (const [failed, base] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
    ] as const) {
      const wait = backoffMs(failed, o);
      expect(wait).toBeGreaterThanOrEqual(base * 0.8);
      expect(wait).toBeLessThanOrEqual(base * 1.2);
    }
  });
  it('is capped', () => expect(backoffMs(30, o)).toBeLessThanOrEqual(12_000));
});
