// A stream's stored messages, raw and in order (seq, subject, headers, payload), read with an
// ordered consumer in batches: what the chainer chains and verify checks.
import { DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { streamSeq } from '../log/decode.ts';
import type { ChainEvent } from './chain.ts';

/** The pending count, the last token of the ack subject (no full delivery-info parse per message). */
function pending(m: JsMsg): number {
  const reply = (m as { reply?: unknown }).reply;
  if (typeof reply !== 'string') return m.info.pending;
  return Number(reply.slice(reply.lastIndexOf('.') + 1));
}

type Internals = { msg?: { _rdata?: Uint8Array; _msg?: { hdr?: number } } };

/** The stored header bytes, without decoding them (nats.js keeps them on the message). */
function rawHeaders(m: JsMsg): Uint8Array | undefined {
  const inner = (m as unknown as Internals).msg;
  const hdr = inner?._msg?.hdr;
  if (!inner?._rdata || typeof hdr !== 'number') return undefined;
  return hdr > 0 ? inner._rdata.subarray(0, hdr) : new Uint8Array(0);
}

export function toChainEvent(m: JsMsg): ChainEvent {
  const raw = rawHeaders(m);
  return {
    seq: streamSeq(m),
    subject: m.subject,
    // Decoded only where the raw bytes are not to be had (or for an export line).
    get headers() {
      return m.headers ? [...m.headers] : [];
    },
    payload: m.data,
    rawHeaders: raw,
  };
}

type Queue = {
  items: JsMsg[];
  wake: (() => void) | undefined;
  done: boolean;
  error: unknown;
};

/**
 * Yields batches of a stream's messages from `fromSeq` through the stream's last sequence as
 * it is when called (or `toSeq`), in order, with any subject filter. `follow` keeps reading
 * past the end until `signal` aborts (the chainer).
 */
export async function* readRaw({
  js,
  jsm,
  stream,
  fromSeq,
  toSeq,
  filter,
  follow = false,
  signal,
  batch = 1000,
}: {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  fromSeq: number;
  toSeq?: number | undefined;
  filter?: string | undefined;
  follow?: boolean;
  signal?: AbortSignal | undefined;
  batch?: number;
}): AsyncGenerator<JsMsg[]> {
  const start = Math.max(fromSeq, 1);
  let last = Number.POSITIVE_INFINITY;
  if (!follow) {
    const info = await jsm.streams.info(stream);
    last = Math.min(toSeq ?? info.state.last_seq, info.state.last_seq);
    if (info.state.messages === 0 || last < Math.max(start, info.state.first_seq)) return;
  }
  const consumer = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: start,
    ...(filter ? { filter_subjects: filter } : {}),
  });
  const q: Queue = { items: [], wake: undefined, done: false, error: undefined };
  const poke = () => {
    const w = q.wake;
    q.wake = undefined;
    w?.();
  };
  const messages = await consumer.consume({
    max_messages: batch * 4,
    threshold_messages: batch * 2,
    callback: (m) => {
      if (q.done) return;
      const seq = streamSeq(m);
      if (seq > last) {
        q.done = true;
      } else {
        q.items.push(m);
        // A filtered read counts pending on its subjects only: it ends at toSeq.
        if (seq >= last || (!follow && !filter && pending(m) === 0)) q.done = true;
      }
      if (q.done || q.items.length >= batch) poke();
      else setImmediate(poke);
    },
  });
  const stop = () => {
    q.done = true;
    poke();
  };
  signal?.addEventListener('abort', stop, { once: true });
  void messages.closed().then((err) => {
    if (err) q.error = err;
    stop();
  });
  try {
    for (;;) {
      if (q.items.length === 0) {
        if (q.done || signal?.aborted) break;
        await new Promise<void>((resolve) => {
          q.wake = resolve;
        });
        continue;
      }
      const out = q.items;
      q.items = [];
      yield out;
    }
    if (q.error && !signal?.aborted) throw q.error;
  } finally {
    signal?.removeEventListener('abort', stop);
    await messages.close().catch(() => undefined);
  }
}
