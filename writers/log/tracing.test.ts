// A delivered event's traceparent, read from its header block's bytes, is what the headers'
// own decoding gives: wherever the header is, however it is spaced, or none.
import type { JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { HEADERS } from '../../contracts/events.ts';
import { headerTraceparent } from './tracing.ts';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const payload = new Uint8Array([1, 2, 3, 13, 10]);

/** A JsMsg as the client delivers it: the header block and the payload in one buffer. */
function delivered(block: Uint8Array): JsMsg {
  const raw = new Uint8Array(block.length + payload.length);
  raw.set(block);
  raw.set(payload, block.length);
  return {
    msg: { _rdata: raw, _msg: { hdr: block.length } },
    get headers() {
      throw new Error('the block is read from its bytes, not decoded');
    },
  } as unknown as JsMsg;
}

const block = (pairs: [string, string][]) => {
  const h = natsHeaders();
  for (const [k, v] of pairs) h.set(k, v);
  // MsgHdrsImpl's encode: the block as the client writes it.
  return (h as unknown as { encode: () => Uint8Array }).encode();
};

describe('headerTraceparent', () => {
  it('reads the header written last, or anywhere else in the block', () => {
    expect(
      headerTraceparent(
        delivered(
          block([
            [HEADERS.type, 'x.v1.A'],
            [HEADERS.traceparent, TP],
          ]),
        ),
      ),
    ).toBe(TP);
    expect(
      headerTraceparent(
        delivered(
          block([
            [HEADERS.traceparent, TP],
            [HEADERS.correlation, 'c'],
          ]),
        ),
      ),
    ).toBe(TP);
  });

  it('trims the value as the headers do, and finds none where there is none', () => {
    const spaced = new TextEncoder().encode(`NATS/1.0\r\nHearth-Type: a\r\ntraceparent:   ${TP} \t\r\n\r\n`);
    expect(headerTraceparent(delivered(spaced))).toBe(TP);
    expect(headerTraceparent(delivered(block([[HEADERS.type, 'x.v1.A']])))).toBeUndefined();
    // A key that only ends in "traceparent", or a value that mentions it, is not the header.
    expect(headerTraceparent(delivered(block([['x-traceparent', TP]])))).toBeUndefined();
    expect(headerTraceparent(delivered(block([[HEADERS.type, `traceparent: ${TP}`]])))).toBeUndefined();
    const empty = new TextEncoder().encode('NATS/1.0\r\ntraceparent: \r\n\r\n');
    expect(headerTraceparent(delivered(empty))).toBeUndefined();
  });

  it('falls back on the decoded headers for a message of another shape', () => {
    const h = natsHeaders();
    h.set(HEADERS.traceparent, TP);
    expect(headerTraceparent({ headers: h } as unknown as JsMsg)).toBe(TP);
    expect(headerTraceparent({ headers: undefined } as unknown as JsMsg)).toBeUndefined();
  });
});
