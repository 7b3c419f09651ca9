// The live worker of one read model: a durable pull consumer, batches, checkpoint, then ack.
// Messages are decoded as they arrive and cut into batches; each batch goes to the pipeline
// (pipeline.ts), which sends it behind the one before on the worker's own connection, and
// any batch the pipeline gives back takes applyBatch, one batch at a time, with retries.
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import pRetry from 'p-retry';
import type pg from 'pg';
import type { Logger } from 'pino';
import { type RawMessage, toRaw } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { applyBatch, type BatchOutcome, decoded, isTransient } from './apply.ts';
import { inBatchSpan } from './batch-trace.ts';
import { ensureConsumer } from './consumer.ts';
import { type DeliveryGap, watchDeliveries } from './delivery-gap.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';
import { sleep } from './sleep.ts';
import type { AnyProjection } from './types.ts';

export type WorkerOptions = {
  batchSize: number;
  ackWaitMs: number;
  /**
   * A partial batch waits until this long after the previous batch went out, so a steady
   * trickle of events costs a transaction per linger, not one per event (0: none).
   */
  lingerMs?: number | undefined;
  /** Test seam: runs after commit and before ack (the crash window). */
  afterCommit?: ((name: string, lastSeq: number) => void) | undefined;
  onApplied: (name: string, lastSeq: number) => void;
  /** The worker has its durable consumer and follows it (until the worker ends). */
  onConsuming?: ((name: string) => void) | undefined;
};

type Pending = { raw: RawMessage[]; last: JsMsg };

/** A batch on its way: the next batch goes out behind it once it has sent its last statement. */
type Flight = {
  /** Resolves once the batch sends nothing more: its COMMIT is on the wire, or it is done. */
  sent: Promise<void>;
  /** Resolves once the batch is committed and acknowledged (or the worker stops). */
  done: Promise<void>;
  /** The previous batch's done: no batch goes out before the one two places ahead is done. */
  before: Promise<void>;
  /** The checkpoint this batch commits, once known: the next batch's guess (see pipeline.ts). */
  end: number | undefined;
};

export async function runWorker({
  log,
  pool,
  projection,
  logger,
  options,
  signal,
}: {
  log: Log;
  pool: pg.Pool;
  projection: AnyProjection;
  logger: Logger;
  options: WorkerOptions;
  signal: AbortSignal;
}): Promise<'gap' | undefined> {
  const stream = log.names.stream(projection.domain);
  const pipeline = createPipeline({ pool, projection, stream });
  try {
    // One read, on the worker's own connection, serves the consumer's check and the first
    // batch's guess (so the first batch goes out whole too).
    const checkpoint = await pipeline.checkpoint();
    const { ackWaitMs, batchSize } = options;
    const info = await ensureConsumer({ log, projection, ackWaitMs, batchSize, checkpoint: checkpoint ?? 0 });
    const consumer = log.js.consumers.getConsumerFromInfo(info);
    options.onConsuming?.(projection.name);
    const delivered = info.delivered.consumer_seq;
    const gap = await consume({
      pool,
      projection,
      logger,
      options,
      signal,
      stream,
      pipeline,
      checkpoint,
      consumer,
      delivered,
    });
    if (!gap) return undefined;
    logger.warn(
      { readModel: projection.name, ...gap },
      'deliveries lost on their way; following again from the checkpoint',
    );
    return 'gap';
  } finally {
    await pipeline.close();
  }
}

async function consume({
  consumer,
  pool,
  projection,
  logger,
  options,
  signal,
  stream,
  pipeline,
  checkpoint,
  delivered,
}: {
  pool: pg.Pool;
  projection: AnyProjection;
  logger: Logger;
  options: WorkerOptions;
  signal: AbortSignal;
  stream: string;
  pipeline: Pipeline;
  checkpoint: number | undefined;
  consumer: Consumer;
  /** The consumer sequence of the consumer's last delivery before this worker. */
  delivered: number;
}): Promise<DeliveryGap | undefined> {
  const start = (previous: Flight, raw: RawMessage[], last: JsMsg): Flight => {
    let markSent = () => {};
    const flight: Flight = {
      sent: new Promise<void>((resolve) => {
        markSent = resolve;
      }),
      done: Promise.resolve(),
      before: previous.done,
      end: undefined,
    };
    // One span per batch while tracing is on (batch-trace.ts): its statements are its children.
    const run = () =>
      inBatchSpan({ projection, stream, messages: raw }, async () => {
        try {
          const guess = previous.end;
          let outcome: BatchOutcome | null | undefined =
            guess === undefined
              ? null
              : await pipeline.apply(raw, guess, (end) => {
                  flight.end = end;
                  markSent();
                });
          // Acknowledgements and read-your-writes positions stay in log order.
          await previous.done;
          if (!outcome) {
            outcome = await applyWithRetry({ pool, projection, stream, raw, logger, signal });
            if (!outcome) return; // stopping
          }
          flight.end = outcome.lastSeq;
          options.afterCommit?.(projection.name, outcome.lastSeq);
          last.ack();
          options.onApplied(projection.name, outcome.lastSeq);
          if (outcome.parked > 0)
            logger.error(
              { readModel: projection.name, parked: outcome.parked },
              'events parked as dead letters',
            );
        } finally {
          // A batch that went on its own lets the next one out only now, with a guess.
          markSent();
        }
      });
    flight.done = run().catch((err: unknown) => {
      logger.error({ err, readModel: projection.name }, 'batch bookkeeping failed');
    });
    return flight;
  };

  let previous: Flight = {
    sent: Promise.resolve(),
    done: Promise.resolve(),
    before: Promise.resolve(),
    end: checkpoint,
  };
  // Full batches waiting for room in the pipeline, and the one filling up.
  const waiting: Pending[] = [];
  let filling: Pending | undefined;
  let stopped = false;
  const take = () => {
    const batch = filling;
    filling = undefined;
    return batch;
  };

  // Room for the next batch: the previous one has sent its last statement and the one before
  // it is done (at most two in flight, so a failure sends few behind it the slow way). A
  // partial batch goes out as soon as there is room, so a lone event is not kept waiting;
  // while there is none, it keeps filling and a backlog goes in large transactions.
  // A lone event after a quiet spell goes at once; within a steady trickle, partial batches
  // go at most once per linger, so each read model's transactions stay few as the rate rises.
  const lingerMs = options.lingerMs ?? 0;
  let lastStart = Number.NEGATIVE_INFINITY;
  let pumping: Promise<void> | undefined;
  const pump = () => {
    pumping ??= (async () => {
      try {
        for (;;) {
          await previous.sent;
          await previous.before;
          if (stopped || signal.aborted) return;
          const wait = lastStart + lingerMs - performance.now();
          if (waiting.length === 0 && filling && wait > 0) {
            await sleep(wait, signal);
            if (stopped || signal.aborted) return;
          }
          const next = waiting.shift() ?? take();
          if (!next) return;
          lastStart = performance.now();
          previous = start(previous, next.raw, next.last);
        }
      } finally {
        pumping = undefined;
      }
    })();
    return pumping;
  };
  let pumpScheduled = false;
  const schedulePump = () => {
    if (pumpScheduled) return;
    pumpScheduled = true;
    // After the burst of deliveries this one came in with, not within it.
    setImmediate(() => {
      pumpScheduled = false;
      void pump();
    });
  };

  // Deliveries that skip some (delivery-gap.ts) end the worker: none from the jump on is taken.
  const next = watchDeliveries(delivered);
  let gap: DeliveryGap | undefined;
  let stopConsuming = () => {};

  // Messages arrive through a callback, in bursts as the socket reads them: no async
  // iteration per message. The consumer's max_ack_pending bounds how many wait unacknowledged.
  const messages = await consumer.consume({
    // Pull requests cost the server and this process a message each way: ask for four
    // batches and top up at two (the default tops up every quarter of max_messages).
    max_messages: options.batchSize * 4,
    threshold_messages: options.batchSize * 2,
    // A pull lost with its consumer's leader (a cluster node killed) is sent again after two
    // missed heartbeats, once the consumer answers; between tries the client waits up to
    // `expires`. At 30 s (and heartbeats at half of it) a read model stood still for 30-50 s.
    expires: 5_000,
    idle_heartbeat: 2_000,
    // A consumer (or stream) the server lost ends the worker, so the runner starts another,
    // which makes it again from the checkpoint; left to itself, consume only waits for it.
    abort_on_missing_resource: true,
    callback: (m) => {
      if (gap) return;
      gap = next(m.info.deliverySequence);
      if (gap) {
        stopped = true;
        stopConsuming();
        return;
      }
      // Decoded on arrival, while the batches ahead are in the database.
      const msg = toRaw(m);
      decoded(projection.domain, stream, msg);
      filling ??= { raw: [], last: m };
      filling.raw.push(msg);
      filling.last = m;
      if (filling.raw.length >= options.batchSize) waiting.push(take() as Pending);
      schedulePump();
    },
  });
  stopConsuming = () => messages.stop();
  signal.addEventListener('abort', stopConsuming, { once: true });
  if (signal.aborted || gap) messages.stop();
  const closed = await messages.closed();
  stopped = true;
  await pumping;
  await previous.done;
  if (closed instanceof Error && !gap) throw closed;
  return gap;
}

/** One batch on its own (applyBatch), retried in place until it commits or the worker stops. */
async function applyWithRetry({
  pool,
  projection,
  stream,
  raw,
  logger,
  signal,
}: {
  pool: pg.Pool;
  projection: AnyProjection;
  stream: string;
  raw: RawMessage[];
  logger: Logger;
  signal: AbortSignal;
}): Promise<BatchOutcome | undefined> {
  // A transient failure keeps the batch in hand and retries it with backoff, 100 ms doubling
  // to 10 s; the checkpoint makes any earlier partial attempt harmless.
  let outcome: BatchOutcome | undefined;
  const attempt = async () => {
    try {
      outcome = await applyBatch({ pool, projection, stream, messages: raw });
    } catch (err) {
      // p-retry gives up at once on a TypeError (or a non-error), taking it for a bug; this
      // loop retries every failure, as it always has.
      throw err instanceof Error && !(err instanceof TypeError)
        ? err
        : new Error(String(err), { cause: err });
    }
  };
  await pRetry(attempt, {
    retries: Number.POSITIVE_INFINITY,
    minTimeout: 100,
    maxTimeout: 10_000,
    signal,
    onFailedAttempt: ({ error }) => {
      logger.warn(
        { err: error, readModel: projection.name, transient: isTransient(error) },
        'batch failed; retrying',
      );
    },
  }).catch((err: unknown) => {
    if (!signal.aborted) throw err;
  });
  // Set once a batch commits, even if the worker was told to stop meanwhile.
  return outcome;
}
