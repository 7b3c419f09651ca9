// Verify's hashing thread gives the links verify would have made here, across resets, with
// a ring small enough that batches wait for room and events wrap round it.
import { headers as natsHeaders } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATS_URL, testNats } from '../../test/services.ts';
import { type Log, openLog } from '../log/open.ts';
import { chainWire, generateSigningKey, linkWire, ZERO_LINK } from './chain.ts';
import { openChainThread } from './chain-thread.ts';
import { appendCheckpoint } from './checkpoints.ts';
import { readWire, WIRE_FIELDS, type WireBatch } from './read-wire.ts';
import { type ChainPlan, chainHere, type Running } from './verify.ts';
import { verifyStream } from './verify-stream.ts';

let nats: Awaited<ReturnType<typeof testNats>>;
let log: Log;
let stream: string;
const EVENTS = 3000;

beforeAll(async () => {
  nats = await testNats();
  log = await openLog({ nc: nats.nc, names: nats.names });
  stream = log.names.stream('chat');
  const sent: Promise<unknown>[] = [];
  for (let i = 1; i <= EVENTS; i++) {
    const h = natsHeaders();
    h.set('Hearth-Type', 'hearth.chat.v1.MessagePosted');
    if (i % 7 === 0) h.append('Hearth-Tag', `t${i}`);
    sent.push(
      log.js.publish(log.names.chat.message('family', `m${i}`), new Uint8Array(i % 900), { headers: h }),
    );
  }
  await Promise.all(sent);
});
afterAll(async () => {
  await nats?.cleanup();
});

/** A plan per batch: a reset every 500th event, a report every 97th and at the last (by sequence: reads batch differently). */
const planOf = (w: WireBatch): ChainPlan => {
  const plan: ChainPlan = { resets: [], reports: [] };
  for (let i = 0; i < w.count; i++) {
    const seq = w.at[i * WIRE_FIELDS] as number;
    if (seq === 1 || seq % 500 === 0) plan.resets.push({ at: i, link: Buffer.alloc(32, seq & 255) });
    if (seq % 97 === 0 || seq === EVENTS) plan.reports.push(i);
  }
  return plan;
};

async function links(chain: (w: WireBatch, plan: ChainPlan) => Uint8Array[] | Promise<Uint8Array[]>) {
  const out: Promise<Uint8Array[]>[] = [];
  for await (const w of readWire({ url: NATS_URL, jsm: log.jsm, stream, fromSeq: 1, batch: 256 }))
    out.push(Promise.resolve(chain(w, planOf(w))));
  return (await Promise.all(out)).flat().map((l) => Buffer.from(l).toString('hex'));
}

describe('the hashing thread', () => {
  it('verifies a stream as verify does here', async () => {
    const key = generateSigningKey();
    let running: Uint8Array = ZERO_LINK;
    for await (const w of readWire({ url: NATS_URL, jsm: log.jsm, stream, fromSeq: 1 }))
      for (let i = 0; i < w.count; i++) {
        const a = w.at.subarray(i * WIRE_FIELDS);
        running = linkWire(
          running,
          w.buf,
          a[0] as number,
          a[1] as number,
          a[2] as number,
          a[3] as number,
          a[4] as number,
          a[5] as number,
        );
      }
    const range = { stream: 'CHAT', firstSeq: 1, anchor: ZERO_LINK, seq: EVENTS, link: running };
    await appendCheckpoint({ log, key, now: new Date(), range });
    const here = await verifyStream({ log, stream: 'CHAT', key, threadFrom: Number.POSITIVE_INFINITY });
    expect(here).toMatchObject({ ok: true, events: EVENTS, checkpoints: 1 });
    expect(await verifyStream({ log, stream: 'CHAT', key, threadFrom: 1 })).toEqual(here);
  });

  it('links as verify does here, its ring waited for and wrapped', async () => {
    const running: Running = { link: ZERO_LINK };
    const here = await links((w, plan) =>
      chainHere(
        w.count,
        (previous, i) => {
          const a = w.at.subarray(i * WIRE_FIELDS);
          return chainWire(
            previous,
            w.buf,
            a[0] as number,
            a[1] as number,
            a[2] as number,
            a[3] as number,
            a[4] as number,
            a[5] as number,
          );
        },
        running,
        plan,
      ),
    );
    expect(here.length).toBe(Math.floor(EVENTS / 97) + 1);
    // A ring of 64 KiB holds a fraction of a batch: parts wait, and events wrap round it.
    const thread = openChainThread({ ringBytes: 64 * 1024 });
    try {
      const there = await links((w, plan) => thread.chain(w, plan));
      expect(there).toEqual(here);
    } finally {
      await thread.close();
    }
  });

  it('fails the batch, not the process, when an event is larger than the ring', async () => {
    const thread = openChainThread({ ringBytes: 256 });
    try {
      for await (const w of readWire({ url: NATS_URL, jsm: log.jsm, stream, fromSeq: 1 })) {
        await expect(thread.chain(w, planOf(w))).rejects.toThrow(/larger than the ring/);
        await expect(thread.chain(w, planOf(w))).rejects.toThrow(/larger than the ring/);
        break;
      }
    } finally {
      await thread.close();
    }
  });
});
