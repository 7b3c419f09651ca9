import { describe, expect, it } from 'vitest';
import { backoffMs } from './dispatch.ts';
import { failureCode } from './send.ts';

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

describe('why an attempt failed, as kept and logged', () => {
  it('is a code or a class, never the message (which may quote the URL)', () => {
    const url = 'http://user:hunter2@127.0.0.1/x?token=sekrit';
    expect(
      failureCode(
        new TypeError(`Request cannot be constructed from a URL that includes credentials: ${url}`),
      ),
    ).toBe('TypeError');
    expect(failureCode(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe(
      'ECONNREFUSED',
    );
    expect(failureCode(new DOMException('signal timed out', 'TimeoutError'))).toBe('timed out');
    expect(failureCode('nope')).toBe('failed');
  });
});
