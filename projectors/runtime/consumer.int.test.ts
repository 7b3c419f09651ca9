import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { consumerName, ensureConsumer } from './consumer.ts';
import type { AnyProjection } from './types.ts';

const projection = { name: 'consumer_check', domain: 'identity' } as AnyProjection;
const options = { ackWaitMs: 30_000, batchSize: 500 };

let rt: TestRuntime;
let stream: string;
const name = consumerName(projection);

beforeAll(async () => {
  rt = await openTestRuntime();
  for (let i = 0; i < 5; i++) await publishIdentity(rt.log, signedIn(`u${i}`));
  stream = rt.log.names.stream('identity');
});
afterAll(() => rt.cleanup());

const ensure = (checkpoint: number) => ensureConsumer({ log: rt.log, projection, checkpoint, ...options });

describe('the durable consumer of a read model', () => {
  it('is kept when it agrees with the checkpoint and with its settings', async () => {
    const first = await ensure(0);
    expect(first.config.filter_subject ?? '').toBe(''); // the filter would be the whole stream
    const again = await ensure(3);
    expect(again.created).toEqual(first.created);
  });

  it('is made again, from just after the checkpoint, when an older release gave it other settings', async () => {
    await rt.log.jsm.consumers.delete(stream, name);
    // As an earlier release made it: filtered on the stream's one subject, a shorter ack wait.
    await rt.log.jsm.consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.All,
      ack_wait: 5_000_000_000,
      filter_subject: rt.log.names.domainFilter('identity'),
      deliver_policy: DeliverPolicy.All,
    });
    const info = await ensure(3);
    expect(info.config.filter_subject ?? '').toBe('');
    expect(info.config.ack_wait).toBe(options.ackWaitMs * 1_000_000);
    expect(info.config.opt_start_seq).toBe(4);
    expect(info.num_pending).toBe(2);
  });

  it('is made again from the checkpoint when a worker took messages and died before applying them', async () => {
    await ensure(3);
    const consumer = await rt.log.js.consumers.get(stream, name);
    // Taken and never acknowledged: the worker that took them is gone.
    const batch = await consumer.fetch({ max_messages: 1, expires: 1000 });
    for await (const _ of batch) break;
    expect((await rt.log.jsm.consumers.info(stream, name)).delivered.stream_seq).toBe(4);
    const info = await ensure(3);
    expect(info.config.opt_start_seq).toBe(4);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(2);
  });

  it('is made again behind the checkpoint when its ack floor ran ahead (a restored database)', async () => {
    const consumer = await rt.log.js.consumers.get(stream, name);
    const batch = await consumer.fetch({ max_messages: 2, expires: 1000 });
    // Confirmed acks: a plain ack may not have reached the server when the info is read.
    for await (const m of batch) await m.ackAck();
    expect((await rt.log.jsm.consumers.info(stream, name)).ack_floor.stream_seq).toBe(5);
    const info = await ensure(1);
    expect(info.config.opt_start_seq).toBe(2);
    expect(info.num_pending).toBe(4);
  });
});
