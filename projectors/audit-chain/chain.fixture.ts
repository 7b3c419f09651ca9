// A chained log for one test: its own namespace and database, a chainer over it, events with
// realistic headers and payloads, and the tools of someone who tampers with the stored log:
// a stream deleted and restored from a (changed) copy.
import { randomBytes, randomUUID } from 'node:crypto';
import type { JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import pino, { type Logger } from 'pino';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import {
  type ChainEvent,
  chainedHeader,
  generateSigningKey,
  type SigningKey,
} from '../../writers/audit/chain.ts';
import { readRaw, toChainEvent } from '../../writers/audit/read-raw.ts';
import { type Chainer, type ChainSettings, createChainer } from './chainer.ts';

export type ChainedLog = TestRuntime & {
  key: SigningKey;
  chainer: () => Chainer;
  /**
   * Stops the chainer, as a crash would between batches, and starts a new one from Postgres
   * (after `meanwhile`, what happens while none runs).
   */
  restartChainer: (meanwhile?: () => Promise<unknown>) => Promise<void>;
  /** Appends n events on CHAT; answers the last sequence. */
  publish: (n: number) => Promise<number>;
  /** Every stored message of a stream (full name), raw, in order. */
  copy: (stream: string) => Promise<ChainEvent[]>;
  /** Deletes the stream and makes it again from `events` (their sequences follow as published). */
  restore: (stream: string, events: ChainEvent[], options?: { hardened?: boolean }) => Promise<void>;
  /** Waits until the chain of a stream (bare name) has reached the stream's end. */
  caughtUp: (stream: string) => Promise<void>;
  stop: () => Promise<void>;
};

export async function chainedLog(
  settings: ChainSettings = { every: 5, intervalMs: 3_600_000 },
  logger: Logger = pino({ level: 'silent' }),
): Promise<ChainedLog> {
  const rt = await openTestRuntime();
  const key = generateSigningKey();
  const make = () =>
    createChainer({
      log: rt.log,
      pool: rt.pool,
      db: rt.db,
      key,
      logger,
      settings,
    });
  let chainer = make();
  await chainer.migrate();
  chainer.start();
  let published = 0;
  const { log } = rt;
  const publish = async (n: number) => {
    let seq = 0;
    for (let i = 0; i < n; i++) {
      published++;
      const h = natsHeaders();
      h.set('Hearth-Type', 'hearth.chat.v1.MessagePosted');
      h.set('Hearth-Actor', `user-${published % 7}`);
      h.set('Hearth-Correlation-Id', randomUUID());
      h.set('traceparent', `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`);
      const ack = await log.js.publish(
        log.names.chat.message('family', `m${published}`),
        randomBytes(200 + (published % 200)),
        { headers: h, msgID: `c-${published}` },
      );
      seq = ack.seq;
    }
    return seq;
  };
  const copy = async (stream: string) => {
    const out: ChainEvent[] = [];
    for await (const batch of readRaw({ js: log.js, jsm: log.jsm, stream, fromSeq: 1 }))
      out.push(...batch.map((m: JsMsg) => toChainEvent(m)));
    return out;
  };
  const restore = async (stream: string, events: ChainEvent[], { hardened = true } = {}) => {
    const { config } = await log.jsm.streams.info(stream);
    await log.jsm.streams.delete(stream);
    await log.jsm.streams.add({ ...config, deny_delete: hardened, deny_purge: hardened });
    for (const e of events) {
      const h = natsHeaders();
      for (const [name, values] of e.headers)
        if (chainedHeader(name)) for (const v of values) h.append(name, v);
      await log.js.publish(e.subject, e.payload, { headers: h });
    }
  };
  const caughtUp = async (stream: string) => {
    const full = log.names.stream(stream.toLowerCase() as never);
    for (;;) {
      const last = (await log.jsm.streams.info(full)).state.last_seq;
      if ((await chainer.position(stream)) >= last) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    ...rt,
    key,
    chainer: () => chainer,
    restartChainer: async (meanwhile) => {
      await chainer.stop();
      await meanwhile?.();
      chainer = make();
      chainer.start();
    },
    publish,
    copy,
    restore,
    caughtUp,
    stop: async () => {
      await chainer.stop();
      await rt.cleanup();
    },
  };
}
