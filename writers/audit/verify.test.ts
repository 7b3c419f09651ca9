import { describe, expect, it } from 'vitest';
import { type ChainEvent, generateSigningKey, link, signCheckpoint, ZERO_LINK } from './chain.ts';
import { checkSignatures, SIGNATURE_CHUNK } from './signatures.ts';
import { linkBatch, type SignedCheckpoint, verifyEvents } from './verify.ts';

const key = generateSigningKey();
const vkey = { publicKey: key.publicKey, keyId: key.keyId };
const event = (seq: number): ChainEvent => ({
  seq,
  subject: `hearth.chat.channel.family.message.m${seq}`,
  headers: [['Hearth-Type', ['hearth.chat.v1.MessagePosted']]],
  payload: new Uint8Array([seq & 255]),
});
const events = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(from + i));
/** The links of `list` from `anchor`, by sequence. */
const linksOf = (list: ChainEvent[], anchor: Uint8Array) => {
  const out = new Map<number, Uint8Array>();
  let running = anchor;
  for (const e of list) {
    running = link(running, e);
    out.set(e.seq, running);
  }
  return out;
};
const sign = (firstSeq: number, anchor: Uint8Array, seq: number, l: Uint8Array): SignedCheckpoint =>
  signCheckpoint({ stream: 'CHAT', firstSeq, anchor, seq, link: l }, key);
async function* batches(list: ChainEvent[]) {
  yield linkBatch(list);
}
const kinds = (r: { problems: { seq: number; kind: string }[] }) => r.problems.map((p) => [p.seq, p.kind]);

describe('verify over events', () => {
  it('takes a leading gap the stream expired meanwhile as expiry, not missing', async () => {
    const all = events(1, 12);
    const links = linksOf(all, ZERO_LINK);
    const c5 = sign(1, ZERO_LINK, 5, links.get(5) as Uint8Array);
    const c12 = sign(6, links.get(5) as Uint8Array, 12, links.get(12) as Uint8Array);
    const run = (expired?: (seq: number) => Promise<boolean>) =>
      checkSignatures([c12], vkey).then((checkpoints) =>
        verifyEvents({
          stream: 'CHAT',
          // Verify started after 5; events 6–8 expired before the first one was read.
          events: batches(all.filter((e) => e.seq >= 9)),
          checkpoints,
          prior: c5.checkpoint,
          keyId: key.keyId,
          startSeq: 6,
          fromSeq: 6,
          anchor: { link: c5.checkpoint.link, signed: true },
          storedLinks: async (from, to) =>
            new Map([...links].filter(([s]) => s >= from && s <= to) as [number, Uint8Array][]),
          expired,
        }),
      );
    expect(kinds(await run(async () => false))).toEqual([[6, 'missing']]);
    const report = await run(async (seq) => seq <= 9);
    expect(report).toMatchObject({ ok: true, from_seq: 9, to_seq: 12, checkpoints: 1, signed_through: 12 });
  });

  it('checks that each checkpoint continues the one before: a break, an overlap, a new start', async () => {
    const all = events(1, 15);
    const links = linksOf(all, ZERO_LINK);
    const restarted = linksOf(events(11, 15), ZERO_LINK);
    const at = (s: number) => links.get(s) as Uint8Array;
    const c5 = sign(1, ZERO_LINK, 5, at(5));
    const run = async (list: SignedCheckpoint[]) =>
      verifyEvents({
        stream: 'CHAT',
        events: batches(all.filter((e) => e.seq >= 6)),
        checkpoints: await checkSignatures(list, vkey),
        prior: c5.checkpoint,
        keyId: key.keyId,
        startSeq: 6,
        fromSeq: 6,
        anchor: { link: at(5), signed: true },
      });
    // Continued: ok.
    expect((await run([sign(6, at(5), 10, at(10)), sign(11, at(10), 15, at(15))])).ok).toBe(true);
    // Anchored on another link than the previous one ends on: a break.
    expect(kinds(await run([sign(6, at(5), 10, at(10)), sign(11, at(9), 15, at(15))]))).toEqual([
      [11, 'chain_mismatch'],
    ]);
    // Ranges overlapping (older signers).
    expect(kinds(await run([sign(6, at(5), 10, at(10)), sign(9, at(8), 15, at(15))]))).toEqual([
      [9, 'chain_mismatch'],
    ]);
    // Begun again on the zero link after events expired unchained: unanchored there, and the
    // range after it checked from the zero link (no chain mismatch).
    const report = await run([
      sign(6, at(5), 8, at(8)),
      sign(11, ZERO_LINK, 15, restarted.get(15) as Uint8Array),
    ]);
    expect(kinds(report)).toEqual([[11, 'unanchored']]);
    expect(report.signed_through).toBe(15);
  });
});

describe('checkpoint signatures', () => {
  it('are checked a chunk at a time, the event loop let through between chunks', async () => {
    const list = Array.from({ length: SIGNATURE_CHUNK * 20 }, (_, i) =>
      sign(i + 1, ZERO_LINK, i + 1, ZERO_LINK),
    );
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const checked = await checkSignatures(list, vkey);
    ticking = false;
    expect(checked.every((c) => c.valid)).toBe(true);
    expect(turns).toBeGreaterThanOrEqual(19);
  });
});
