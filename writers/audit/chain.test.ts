import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ChainEvent,
  chainedHeader,
  exportSigningKey,
  generateSigningKey,
  keyIdOf,
  link,
  parseSigningKey,
  publicKeyFromRaw,
  rawPublicKey,
  signCheckpoint,
  verifyCheckpoint,
  ZERO_LINK,
} from './chain.ts';

const event = (over: Partial<ChainEvent> = {}): ChainEvent => ({
  seq: 1,
  subject: 'hearth.chat.channel.family.message.m1',
  headers: [
    ['Hearth-Type', ['hearth.chat.v1.MessagePosted']],
    ['Nats-Msg-Id', ['c1']],
  ],
  payload: new Uint8Array([1, 2, 3]),
  ...over,
});

describe('the link of an event', () => {
  it('is SHA-256 over the previous link and the length-prefixed event', () => {
    const e = event();
    const u32 = (n: number) => Buffer.from([0, 0, 0, n]);
    const s = (t: string) => [u32(Buffer.byteLength(t)), Buffer.from(t)];
    const expected = createHash('sha256')
      .update(
        Buffer.concat([
          ZERO_LINK,
          Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]),
          ...s(e.subject),
          u32(2),
          ...s('Hearth-Type'),
          u32(1),
          ...s('hearth.chat.v1.MessagePosted'),
          ...s('Nats-Msg-Id'),
          u32(1),
          ...s('c1'),
          u32(3),
          Buffer.from([1, 2, 3]),
        ]),
      )
      .digest();
    expect(Buffer.from(link(ZERO_LINK, e))).toEqual(expected);
  });

  it('does not depend on the order headers come in, nor on what the server adds on a read', () => {
    const reversed = event({
      headers: [
        ['Nats-Sequence', ['1']],
        ['Nats-Msg-Id', ['c1']],
        ['Nats-Time-Stamp', ['2026-12-07T10:00:00Z']],
        ['Hearth-Type', ['hearth.chat.v1.MessagePosted']],
        ['Nats-Expected-Last-Subject-Sequence', ['0']],
      ],
    });
    expect(link(ZERO_LINK, reversed)).toEqual(link(ZERO_LINK, event()));
    expect(chainedHeader('Nats-Msg-Id')).toBe(true);
    expect(chainedHeader('nats-stream')).toBe(false);
  });

  it('changes with the previous link, the sequence, the subject, a header value or a payload byte', () => {
    const base = link(ZERO_LINK, event());
    const changed = [
      link(base, event()),
      link(ZERO_LINK, event({ seq: 2 })),
      link(ZERO_LINK, event({ subject: 'hearth.chat.channel.family.message.m2' })),
      link(
        ZERO_LINK,
        event({
          headers: [
            ['Hearth-Type', ['x']],
            ['Nats-Msg-Id', ['c1']],
          ],
        }),
      ),
      link(ZERO_LINK, event({ payload: new Uint8Array([1, 2, 4]) })),
    ];
    for (const c of changed) expect(Buffer.from(c).equals(Buffer.from(base))).toBe(false);
  });

  it('keeps fields apart: moving a byte from subject into a header is another event', () => {
    const a = event({ subject: 'ab', headers: [['c', ['d']]] });
    const b = event({ subject: 'a', headers: [['bc', ['d']]] });
    expect(Buffer.from(link(ZERO_LINK, a)).equals(Buffer.from(link(ZERO_LINK, b)))).toBe(false);
  });
});

describe('a signed checkpoint', () => {
  const key = generateSigningKey();
  const range = { stream: 'CHAT', firstSeq: 1, anchor: ZERO_LINK, seq: 10, link: link(ZERO_LINK, event()) };

  it('verifies with the public key, and names the key by the first 16 hex of its SHA-256', () => {
    const { checkpoint, signature } = signCheckpoint(range, key);
    expect(verifyCheckpoint(checkpoint, signature, key.publicKey)).toBe(true);
    expect(checkpoint.keyId).toBe(
      createHash('sha256').update(rawPublicKey(key.publicKey)).digest('hex').slice(0, 16),
    );
    expect(keyIdOf(publicKeyFromRaw(rawPublicKey(key.publicKey)))).toBe(key.keyId);
  });

  it('fails for any field changed, or for another key', () => {
    const { checkpoint, signature } = signCheckpoint(range, key);
    expect(verifyCheckpoint({ ...checkpoint, seq: 11 }, signature, key.publicKey)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, link: ZERO_LINK }, signature, key.publicKey)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, stream: 'PLAY' }, signature, key.publicKey)).toBe(false);
    expect(verifyCheckpoint(checkpoint, signature, generateSigningKey().publicKey)).toBe(false);
    expect(verifyCheckpoint(checkpoint, new Uint8Array(64), key.publicKey)).toBe(false);
  });

  it('reads the key back from base64 DER and from PEM', () => {
    const der = exportSigningKey(key);
    expect(parseSigningKey(der).keyId).toBe(key.keyId);
    const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(parseSigningKey(pem).keyId).toBe(key.keyId);
    expect(() => parseSigningKey('bm90IGEga2V5')).toThrow();
  });
});
