import { describe, expect, it } from 'vitest';
import { parseBlock } from './stream.ts';

describe('an SSE event block', () => {
  it('joins its data lines with a newline, and drops one space after the colon only', () => {
    expect(parseBlock('event: token\ndata: {"text":\ndata:  "a"}')).toEqual({
      event: 'token',
      data: '{"text":\n "a"}',
    });
  });

  it('skips comments, and has no data without a data line', () => {
    expect(parseBlock(': keep-alive\nevent: done')).toEqual({ event: 'done', data: undefined });
  });
});
