// The protocol reader hands verify each message's raw subject, header block and payload: the
// links it gives must be those of the events as nats.js decodes them, header by header, for
// awkward headers too (repeated names, spaces, mixed case, server headers, none at all).
import { headers as natsHeaders } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATS_URL, testNats } from '../../test/services.ts';
import { type Log, openLog } from '../log/open.ts';
import { type ChainEvent, link, linkWire, ZERO_LINK } from './chain.ts';
import { readRaw } from './read-raw.ts';
import { readWire, WIRE_FIELDS } from './read-wire.ts';

let nats: Awaited<ReturnType<typeof testNats>>;
let log: Log;
let stream: string;

/** Every message as the reader cut it: its sequence, subject, payload and link from zero. */
async function wire(fromSeq = 1, from = stream, batch = 3) {
  const out: { seq: number; subject: string; payload: Buffer; link: Buffer }[] = [];
  for await (const w of readWire({ url: NATS_URL, jsm: log.jsm, stream: from, fromSeq, batch, inFlight: 2 }))
    for (let i = 0; i < w.count; i++) {
      const a = w.at.subarray(i * WIRE_FIELDS, (i + 1) * WIRE_FIELDS);
      const [seq, s, se, h, he, pe] = [...a] as [number, number, number, number, number, number];
      out.push({
        seq,
        subject: w.buf.toString('utf8', s, se),
        payload: Buffer.from(w.buf.subarray(he, pe)),
        link: linkWire(ZERO_LINK, w.buf, seq, s, se, h, he, pe),
      });
    }
  return out;
}

/** The same messages through nats.js, their headers decoded to strings (no raw bytes). */
async function decoded(from = stream): Promise<ChainEvent[]> {
  const out: ChainEvent[] = [];
  for await (const batch of readRaw({ js: log.js, jsm: log.jsm, stream: from, fromSeq: 1 }))
    for (const m of batch)
      out.push({ seq: m.seq, subject: m.subject, headers: m.headers ? [...m.headers] : [], payload: m.data });
  return out;
}

beforeAll(async () => {
  nats = await testNats();
  log = await openLog({ nc: nats.nc, names: nats.names });
  stream = log.names.stream('chat');
  const subject = (n: number) => log.names.chat.message('family', `m${n}`);
  const publish = async (n: number, set: (h: ReturnType<typeof natsHeaders>) => void, payload: string) => {
    const h = natsHeaders();
    set(h);
    await log.js.publish(subject(n), new TextEncoder().encode(payload), { headers: h });
  };
  await publish(1, (h) => h.set('Hearth-Type', 'hearth.chat.v1.MessagePosted'), 'plain');
  await publish(
    2,
    (h) => {
      h.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
      h.append('Hearth-Tag', 'second');
      h.append('Hearth-Tag', 'first');
      h.set('Hearth-Actor', '  spaced out  ');
      h.set('Nats-Msg-Id', 'cmd-2');
      h.set('Hearth-Name', 'Zoë ☕');
    },
    'repeated names, spaces, unicode',
  );
  await publish(3, (h) => h.set('Nats-Expected-Stream', stream), 'a server expectation only');
  // No headers at all: a MSG frame rather than HMSG.
  await log.js.publish(subject(4), new TextEncoder().encode('no headers'));
  await log.js.publish(subject(5), new Uint8Array(0), { headers: natsHeaders() });
  await publish(6, (h) => h.set('hearth-lower', 'a'), 'x'.repeat(5000));
});
afterAll(async () => {
  await nats?.cleanup();
});

describe('the protocol reader', () => {
  it('reads every message in order, its subject and payload as stored', async () => {
    const got = await wire();
    const want = await decoded();
    expect(got.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(got.map((m) => m.subject)).toEqual(want.map((e) => e.subject));
    expect(got.map((m) => m.payload)).toEqual(want.map((e) => Buffer.from(e.payload)));
  });

  it('links each message as the decoded event links (raw header bytes read right)', async () => {
    const got = await wire();
    const want = await decoded();
    for (const [i, e] of want.entries()) expect(got[i]?.link, `event ${e.seq}`).toEqual(link(ZERO_LINK, e));
  });

  it('reads frames cut across reads whole, large ones too, over many requests', async () => {
    const home = log.names.stream('home');
    const acks: Promise<unknown>[] = [];
    // A few near the server's largest payload among them: frames bigger than a read, or than
    // what is left of the memory being read into.
    const max = Math.min(nats.nc.info?.max_payload ?? 1_048_576, 1_048_576) - 4096;
    for (let i = 0; i < 3000; i++) {
      const h = natsHeaders();
      h.set('Hearth-Type', 'hearth.home.v1.Something');
      h.set('Nats-Msg-Id', `bulk-${i}`);
      const size = i % 1000 === 500 ? max - (i % 3) * 100_000 : 300 + (i % 700);
      acks.push(
        log.js.publish(log.names.home.inbox(`m${i % 7}`), new Uint8Array(size).fill(i), { headers: h }),
      );
    }
    await Promise.all(acks);
    const want = await decoded(home);
    const got = await wire(1, home, 500);
    expect(want).toHaveLength(3000);
    expect(got.map((m) => m.seq)).toEqual(want.map((e) => e.seq));
    for (const [i, e] of want.entries())
      if (!got[i]?.link.equals(link(ZERO_LINK, e))) throw new Error(`event ${e.seq} differs`);
  });

  it('starts where asked and reads nothing from an empty stream', async () => {
    expect((await wire(4)).map((m) => m.seq)).toEqual([4, 5, 6]);
    expect(await wire(7)).toEqual([]);
    const empty = log.names.stream('play');
    const read = readWire({ url: NATS_URL, jsm: log.jsm, stream: empty, fromSeq: 1 });
    expect((await read.next()).done).toBe(true);
  });
});
