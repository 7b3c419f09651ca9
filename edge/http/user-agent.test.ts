import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanUserAgent, USER_AGENT_MAX } from './user-agent.ts';
import { storable } from './validate.ts';

describe('a user agent as events record it', () => {
  it('keeps an ordinary browser’s as it came', () => {
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
    expect(cleanUserAgent(firefox)).toBe(firefox);
    expect(cleanUserAgent(undefined)).toBe('');
    expect(cleanUserAgent(null)).toBe('');
  });

  it('removes NUL, other control characters and unpaired surrogates', () => {
    expect(cleanUserAgent('a\u0000b\u0001c\u007fd\te')).toBe('abcd e');
    expect(cleanUserAgent('C1 \u0085\u009f out, \u2713 in')).toBe('C1  out, \u2713 in');
    expect(cleanUserAgent('lone \ud800 high, lone \udc00 low, pair \ud83c\udf89')).toBe(
      'lone  high, lone  low, pair \ud83c\udf89',
    );
  });

  it('reads bytes past ASCII as the UTF-8 the client sent, a malformed sequence as U+FFFD', () => {
    const asNodeGivesIt = (bytes: number[]) => Buffer.from(bytes).toString('latin1');
    expect(cleanUserAgent(asNodeGivesIt([...Buffer.from('Ünïcödé/1.0')]))).toBe('Ünïcödé/1.0');
    // A lone surrogate encoded as UTF-8 (ED A0 80) is no character.
    expect(cleanUserAgent(asNodeGivesIt([0x61, 0xed, 0xa0, 0x80, 0x62]))).toBe('a\ufffd\ufffd\ufffdb');
  });

  it('cuts a long one to 256 characters, never between the halves of a pair', () => {
    expect(cleanUserAgent('x'.repeat(10_000))).toBe('x'.repeat(USER_AGENT_MAX));
    const cut = cleanUserAgent(`${'x'.repeat(USER_AGENT_MAX - 1)}\ud83c\udf89`);
    expect(cut).toBe('x'.repeat(USER_AGENT_MAX - 1));
  });

  it('always gives something a read model can store, of at most 256 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (raw) => {
        const clean = cleanUserAgent(raw);
        expect(clean.length).toBeLessThanOrEqual(USER_AGENT_MAX);
        expect(storable(clean)).toBe(true);
        const codes = [...clean].map((ch) => ch.codePointAt(0) ?? 0);
        expect(codes.some((c) => c < 0x20 || (c >= 0x7f && c <= 0x9f))).toBe(false);
      }),
    );
  });
});
