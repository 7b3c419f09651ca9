import { describe, expect, it } from 'vitest';
import { newTraceparent, traceparentOf } from './trace.ts';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

describe('the trace context of a command', () => {
  it('starts a fresh trace, different each time', () => {
    const a = newTraceparent();
    expect(a).toMatch(TRACEPARENT);
    expect(newTraceparent().slice(3, 35)).not.toBe(a.slice(3, 35));
  });

  it("keeps the caller's well-formed trace and replaces anything else", () => {
    const given = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(traceparentOf(given)).toBe(given);
    for (const bad of [undefined, '', 'nonsense', given.toUpperCase(), `${given}-extra`]) {
      expect(traceparentOf(bad)).toMatch(TRACEPARENT);
      expect(traceparentOf(bad)).not.toBe(bad);
    }
  });
});
