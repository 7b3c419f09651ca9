import type { JsMsg } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { streamSeq } from './decode.ts';

// JsMsgImpl exposes the ack subject as `reply`; `seq` stands for JsMsg's own parse.
const delivered = (reply: string): JsMsg => ({ reply, seq: -1 }) as unknown as JsMsg;

describe('the stream sequence of a delivered message', () => {
  it('is read from either form of the ack subject', () => {
    // $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>
    expect(streamSeq(delivered('$JS.ACK.IDENTITY.rm_users.1.4711.12.1700000000000000000.0'))).toBe(4711);
    // ... with <domain>.<account hash> after ACK and a random token at the end.
    expect(
      streamSeq(delivered('$JS.ACK.hub.ACCHASH.IDENTITY.rm_users.1.987654321.5.1700000000000000000.7.x1y2')),
    ).toBe(987654321);
    expect(streamSeq(delivered('$JS.ACK._.ACCHASH.S.c.2.42.40.1.0'))).toBe(42);
  });

  it('leaves any other form to JsMsg', () => {
    expect(streamSeq(delivered('$JS.ACK.too.short'))).toBe(-1);
    expect(streamSeq(delivered('_INBOX.abc'))).toBe(-1);
    expect(streamSeq({ seq: 7 } as unknown as JsMsg)).toBe(7);
  });
});
