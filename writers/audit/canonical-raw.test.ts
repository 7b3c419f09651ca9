// The header block encoded from its bytes (four at a time) must give what a plain reading of
// the block gives, line by line, for awkward blocks too: lengths on and off a 4-byte step,
// colons, semicolons and CRs near each other, server headers in any case, lines without a
// colon, a status line, a block cut short.
import { describe, expect, it } from 'vitest';
import { chainWire, linkWire } from './canonical-raw.ts';
import { link, ZERO_LINK } from './chain.ts';
import { headersRoom, putRawHeaders, SERVER_HEADERS } from './raw-headers.ts';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** The block read plainly: each line to its CR, the name to its first colon, as the chain defines it. */
function plain(block: Buffer): Buffer {
  const kept: { name: Buffer; value: Buffer }[] = [];
  let i = block.indexOf(10) + 1;
  if (i === 0) i = block.length + 1;
  while (i < block.length) {
    let end = block.indexOf(13, i);
    if (end < 0) end = block.length;
    if (end === i) break;
    const line = block.subarray(i, end);
    const colon = line.indexOf(58);
    const name = line.subarray(0, Math.max(colon, 0)).toString('latin1').toLowerCase();
    const server = SERVER_HEADERS.has(name) || name.startsWith('nats-expected-');
    if (colon > -1 && !server) {
      let value = line.subarray(colon + 1);
      while (value.length > 0 && (value[0] === 32 || value[0] === 9)) value = value.subarray(1);
      while (value.length > 0 && (value.at(-1) === 32 || value.at(-1) === 9)) value = value.subarray(0, -1);
      kept.push({ name: line.subarray(0, colon), value });
    }
    i = end + 2;
  }
  const sorted = kept
    .map((h, at) => ({ ...h, at }))
    .sort((a, b) => Buffer.compare(a.name, b.name) || a.at - b.at);
  const out: Buffer[] = [];
  let names = 0;
  for (let x = 0; x < sorted.length; ) {
    const group = sorted.filter((h, j) => j >= x && h.name.equals(sorted[x]?.name ?? Buffer.alloc(0)));
    out.push(u32(group[0]?.name.length ?? 0), group[0]?.name ?? Buffer.alloc(0), u32(group.length));
    for (const h of group) out.push(u32(h.value.length), h.value);
    names++;
    x += group.length;
  }
  return Buffer.concat([u32(names), ...out]);
}

function encoded(block: Buffer): Buffer {
  // The block at an odd offset of a larger buffer, as in a wire buffer.
  const b = Buffer.concat([Buffer.from('HMSG x 1 '), block, Buffer.from('payload')]);
  const out = Buffer.alloc(7 + headersRoom(block.length));
  const end = putRawHeaders(out, 7, b, 9, 9 + block.length);
  return out.subarray(7, end);
}

// A small PRNG, so a failure names a block that can be made again.
function random(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
}

const NAMES = ['Hearth-Type', 'a', 'Nats-Msg-Id', 'NATS-STREAM', 'nats-expected-last-sequence', 'x;y', 'Ab'];
const PIECES = ['a', 'B', ' ', '\t', ';', ':', '-', 'Nats-', 'é', 'abcd', 'xyz12'];

function block(r: (n: number) => number): Buffer {
  const lines = [r(4) === 0 ? 'NATS/1.0 503' : 'NATS/1.0'];
  const count = r(7);
  for (let k = 0; k < count; k++) {
    const piece = () => PIECES[r(PIECES.length)] as string;
    const name = r(3) === 0 ? NAMES[r(NAMES.length)] : Array.from({ length: r(6) }, piece).join('');
    const value = Array.from({ length: r(9) }, piece).join('');
    lines.push(r(12) === 0 ? `${name}${value}` : `${name}:${value}`);
  }
  const text = `${lines.join('\r\n')}\r\n${r(5) === 0 ? '' : '\r\n'}`;
  return Buffer.from(r(9) === 0 ? text.slice(0, r(text.length)) : text);
}

describe('stored header bytes, encoded canonically', () => {
  it('give what a plain line-by-line reading gives, over thousands of awkward blocks', () => {
    const r = random(7);
    for (let n = 0; n < 5000; n++) {
      const b = block(r);
      const got = encoded(b);
      if (!got.equals(plain(b)))
        throw new Error(`block ${n} encodes wrong: ${JSON.stringify(b.toString('latin1'))}`);
    }
  });

  it('give the same for blocks of a few recurring shapes, their values varying, and near misses', () => {
    const r = random(11);
    // Blocks of the same names in the same order are encoded from a kept shape: values of
    // every length and spacing, a repeated name, and shapes a line or a letter away.
    const shapes = [
      ['Hearth-Type', 'Hearth-Actor', 'Hearth-Correlation-Id', 'traceparent', 'Nats-Msg-Id'],
      ['Hearth-Type', 'Hearth-Actor', 'Hearth-Correlation-Id', 'traceparent', 'Nats-Msg-Id', 'X'],
      ['Hearth-Type', 'hearth-actor', 'Hearth-Correlation-Id', 'traceparent', 'Nats-Msg-Id'],
      ['b', 'a', 'b', 'Nats-Sequence', 'ab', 'a'],
      ['Hearth-Typ', 'Hearth-Type'],
      ['Nats-Time-Stamp'],
      [],
    ];
    const value = () =>
      Array.from({ length: r(12) }, () => (['a', ' ', '\t', 'é', 'xyz1', ':', ';'] as const)[r(7)]).join('');
    for (let n = 0; n < 5000; n++) {
      const names = shapes[r(shapes.length)] as string[];
      const lines = names.map((name) => `${name}:${value()}`);
      if (r(40) === 0) lines.splice(r(lines.length + 1), 0, 'no colon here');
      const b = Buffer.from(`NATS/1.0\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`);
      const got = encoded(b);
      if (!got.equals(plain(b)))
        throw new Error(`block ${n} encodes wrong: ${JSON.stringify(b.toString('latin1'))}`);
    }
  });

  it('link as the decoded headers link, for a frame off the wire', () => {
    const subject = 'hearth.chat.channel.family.message.m1';
    const headers =
      'NATS/1.0\r\nHearth-Type: hearth.chat.v1.MessagePosted\r\nNats-Sequence: 9\r\nb: 2\r\na:  1 \r\nb:3\r\n\r\n';
    const payload =
      'the payload, longer than a hundred bytes so that it is copied natively rather than a word at a time.';
    const frame = Buffer.from(`HMSG ${subject} 1 $JS.ACK.x 0 0\r\n${headers}${payload}\r\n`);
    const s = 5;
    const h = frame.indexOf('\r\n') + 2;
    const he = h + headers.length;
    const want = link(ZERO_LINK, {
      seq: 2 ** 40 + 3,
      subject,
      headers: [
        ['Hearth-Type', ['hearth.chat.v1.MessagePosted']],
        ['a', ['1']],
        ['b', ['2', '3']],
      ],
      payload: Buffer.from(payload),
    });
    const args = [frame, 2 ** 40 + 3, s, s + subject.length, h, he, he + payload.length] as const;
    expect(linkWire(ZERO_LINK, ...args)).toEqual(Buffer.from(want));
    // Chained on from its own answer, as verify does, and from a copy: the same.
    const first = chainWire(ZERO_LINK, ...args);
    const again = Buffer.from(chainWire(first, ...args));
    const raw = { seq: 2 ** 40 + 3, subject, headers: [], payload: Buffer.from(payload) };
    expect(again).toEqual(Buffer.from(link(want, { ...raw, rawHeaders: Buffer.from(headers) })));
  });
});
