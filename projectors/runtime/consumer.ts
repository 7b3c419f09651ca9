// A read model's durable pull consumer, made to agree with its checkpoint (see ensureConsumer).
import { AckPolicy, type ConsumerInfo, DeliverPolicy } from '@nats-io/jetstream';
import type { Log } from '../../writers/log/open.ts';
import type { AnyProjection } from './types.ts';

const NANOS = 1_000_000;

export function consumerName(projection: AnyProjection): string {
  return `rm_${projection.name}`;
}

/**
 * Makes the durable consumer agree with the checkpoint and with the configuration this code
 * gives it: the checkpoint is the truth, so a consumer whose ack floor ran ahead of it (a
 * restored database), that delivered past it (to a worker that died before applying), or that
 * was made with other settings (an older release's filter, say), is recreated to deliver from
 * just after the checkpoint. Returns its info, which the worker
 * consumes with (a consumer info is not free: see below).
 */
export async function ensureConsumer({
  log,
  projection,
  ackWaitMs,
  batchSize,
  checkpoint,
}: {
  log: Log;
  projection: AnyProjection;
  ackWaitMs: number;
  batchSize: number;
  checkpoint: number;
}): Promise<ConsumerInfo> {
  const stream = log.names.stream(projection.domain);
  const name = consumerName(projection);
  // A filter that is all the stream holds selects nothing less, yet nats-server 2.9 walks
  // every subject of the stream for a filtered consumer's pending count, on creation and on
  // each info: a tenth of a second on a stream of 200k events. Leave it off then.
  const filter = log.names.domainFilter(projection.domain);
  const { subjects = [] } = (await log.jsm.streams.info(stream)).config;
  const whole = subjects.length === 1 && subjects[0] === filter;
  const settings = {
    ack_policy: AckPolicy.All,
    ack_wait: ackWaitMs * NANOS,
    max_ack_pending: Math.max(batchSize * 4, 1000),
    ...(whole ? {} : { filter_subject: filter }),
  };
  const existing = await log.jsm.consumers.info(stream, name).catch(() => null);
  if (existing) {
    const { config } = existing;
    const same =
      config.ack_policy === settings.ack_policy &&
      config.ack_wait === settings.ack_wait &&
      config.max_ack_pending === settings.max_ack_pending &&
      (config.filter_subject || undefined) === settings.filter_subject &&
      (config.filter_subjects ?? []).length === 0;
    // Delivered past the checkpoint: a worker before this one (a process killed mid-batch)
    // took messages it never applied. Kept, the consumer would redeliver them only after the
    // ack wait, behind newer ones; applying a newer one first moves the checkpoint past them,
    // and acknowledging it (AckAll) acknowledges them: they would never be applied.
    if (same && existing.ack_floor.stream_seq <= checkpoint && existing.delivered.stream_seq <= checkpoint)
      return existing;
    await log.jsm.consumers.delete(stream, name);
  }
  return log.jsm.consumers.add(stream, {
    durable_name: name,
    ...settings,
    ...(checkpoint > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: checkpoint + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
}
