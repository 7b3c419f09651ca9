// The live worker of one read model: a durable pull consumer, batches, checkpoint, then ack.
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Log } from '../../writers/log.ts';
import type { AnyProjection } from '../types.ts';
import { applyBatch, decoded, isTransient } from './apply.ts';
import type { RawMessage } from './decode.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';

export type WorkerOptions = {
  batchSize: number;
  ackWaitMs: number;
  /** Test seam: runs after commit and before ack (the crash window). */
  afterCommit?: ((name: string, lastSeq: number) => void) | undefined;
  onApplied: (name: string, lastSeq: number) => void;
};

const NANOS = 1_000_000;

export function consumerName(projection: AnyProjection): string {
  return `rm_${projection.name}`;
}

/**
 * Makes the durable consumer agree with the checkpoint: the checkpoint is the truth, so a
 * consumer whose ack floor ran ahead of it (a restored database) is recreated behind it.
 */
export async function ensureConsumer({
  log,
  db,
  projection,
  ackWaitMs,
  batchSize,
}: {
  log: Log;
  db: Kysely<RuntimeDB>;
  projection: AnyProjection;
  ackWaitMs: number;
  batchSize: number;
}): Promise<void> {
  const stream = log.names.stream(projection.domain);
  const name = consumerName(projection);
  const row = await db
    .withSchema(RUNTIME_SCHEMA)
    .selectFrom('checkpoints')
    .select('last_seq')
    .where('read_model', '=', projection.name)
    .executeTakeFirst();
  const checkpoint = Number(row?.last_seq ?? 0);
  const existing = await log.jsm.consumers.info(stream, name).catch(() => null);
  if (existing && existing.ack_floor.stream_seq <= checkpoint) return;
  if (existing) await log.jsm.consumers.delete(stream, name);
  await log.jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.All,
    ack_wait: ackWaitMs * NANOS,
    max_ack_pending: Math.max(batchSize * 4, 1000),
    filter_subject: log.names.domainFilter(projection.domain),
    ...(checkpoint > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: checkpoint + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
}

export async function runWorker({
  log,
  db,
  projection,
  logger,
  options,
  signal,
}: {
  log: Log;
  db: Kysely<RuntimeDB>;
  projection: AnyProjection;
  logger: Logger;
  options: WorkerOptions;
  signal: AbortSignal;
}): Promise<void> {
  const stream = log.names.stream(projection.domain);
  const consumer = await log.js.consumers.get(stream, consumerName(projection));
  const messages = await consumer.consume({ max_messages: options.batchSize * 2, expires: 30_000 });
  signal.addEventListener('abort', () => messages.stop(), { once: true });
  let batch: JsMsg[] = [];
  let inflight: Promise<void> = Promise.resolve();
  for await (const m of messages) {
    batch.push(m);
    // Apply as soon as nothing more is buffered: a lone event is not kept waiting for a full
    // batch, and a backlog still goes through in large transactions. (getPending() would also
    // count open pull requests, so compare what arrived with what was handed out.)
    const buffered = messages.getReceived() - messages.getProcessed();
    if (batch.length < options.batchSize && buffered > 0) continue;
    const current = batch;
    batch = [];
    const raw = current.map(toRaw);
    // Decode this batch while the previous one commits, then keep batches strictly in order.
    for (const r of raw) decoded(projection.domain, stream, r);
    await inflight;
    if (signal.aborted) break;
    inflight = applyWithRetry({ db, projection, stream, batch: current, raw, logger, options, signal });
  }
  await inflight;
}

function toRaw(m: JsMsg): RawMessage {
  return { seq: m.seq, subject: m.subject, data: m.data };
}

async function applyWithRetry({
  db,
  projection,
  stream,
  batch,
  raw,
  logger,
  options,
  signal,
}: {
  db: Kysely<RuntimeDB>;
  projection: AnyProjection;
  stream: string;
  batch: JsMsg[];
  raw: RawMessage[];
  logger: Logger;
  options: WorkerOptions;
  signal: AbortSignal;
}): Promise<void> {
  // A transient failure keeps the batch in hand and retries it with backoff; the
  // checkpoint makes any earlier partial attempt harmless.
  for (let backoff = 100; !signal.aborted; backoff = Math.min(backoff * 2, 10_000)) {
    try {
      const outcome = await applyBatch({ db, projection, stream, messages: raw });
      options.afterCommit?.(projection.name, outcome.lastSeq);
      (batch.at(-1) as JsMsg).ack();
      options.onApplied(projection.name, outcome.lastSeq);
      if (outcome.parked > 0)
        logger.error({ readModel: projection.name, parked: outcome.parked }, 'events parked as dead letters');
      return;
    } catch (err) {
      logger.warn({ err, readModel: projection.name, transient: isTransient(err) }, 'batch failed; retrying');
      await sleep(backoff, signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
