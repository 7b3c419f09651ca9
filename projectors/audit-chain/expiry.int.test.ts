// The chain still verifies once old events have expired from a stream (max_age): the first
// retained event is anchored by the checkpoint through the one before it, or by the link the
// chainer kept for it, which only the next signed checkpoint makes trusted. On a real stream
// whose events live two seconds.
import { afterEach, describe, expect, it } from 'vitest';
import { verifyStream } from '../../writers/audit/verify-stream.ts';
import { type ChainedLog, chainedLog } from './chain.fixture.ts';

let t: ChainedLog | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const SECOND_NS = 1_000_000_000;

/** A chained log whose CHAT stream keeps events two seconds and allows deletes (to tamper). */
async function expiring(): Promise<ChainedLog> {
  t = await chainedLog({ every: 1000, intervalMs: 3_600_000 });
  const stream = t.log.names.stream('chat');
  const { config } = await t.log.jsm.streams.info(stream);
  await t.log.jsm.streams.delete(stream);
  await t.log.jsm.streams.add({
    ...config,
    max_age: 2 * SECOND_NS,
    duplicate_window: SECOND_NS,
    deny_delete: false,
    deny_purge: false,
  });
  // The chainer follows the new stream from the start.
  await t.restartChainer();
  return t;
}

/** Waits until every event so far has expired, then keeps new ones an hour (no race with verify). */
async function expireAll(log: ChainedLog): Promise<number> {
  const stream = log.log.names.stream('chat');
  for (;;) {
    const { state, config } = await log.log.jsm.streams.info(stream);
    if (state.messages === 0 && state.first_seq > 1) {
      await log.log.jsm.streams.update(stream, { ...config, max_age: 3600 * SECOND_NS });
      return state.first_seq;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const verify = (log: ChainedLog) =>
  verifyStream({ log: log.log, stream: 'CHAT', key: log.key, storedLinks: log.chainer().links('CHAT') });

const kinds = (r: { problems: { seq: number; kind: string }[] }) => r.problems.map((p) => [p.seq, p.kind]);

describe('a stream whose oldest events have expired', () => {
  it('verifies from the checkpoint through the last expired event, and still names an event removed', async () => {
    const log = await expiring();
    await log.publish(5);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    expect(await expireAll(log)).toBe(6);
    await log.publish(5);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    expect(await verify(log)).toMatchObject({
      ok: true,
      from_seq: 6,
      to_seq: 10,
      events: 5,
      checkpoints: 1,
      signed_through: 10,
    });
    await log.log.jsm.streams.deleteMessage(log.log.names.stream('chat'), 8);
    const report = await verify(log);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toContainEqual([8, 'missing']);
  });

  it('verifies from the link the chainer kept when no checkpoint ends there, confirmed by the next one', async () => {
    const log = await expiring();
    await log.publish(5);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    // Chained but not signed: the expiry point falls inside the next checkpoint's range.
    await log.publish(5);
    await log.caughtUp('CHAT');
    expect(await expireAll(log)).toBe(11);
    await log.publish(5);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    expect(await verify(log)).toMatchObject({
      ok: true,
      from_seq: 11,
      to_seq: 15,
      events: 5,
      signed_through: 15,
    });

    await log.log.jsm.streams.deleteMessage(log.log.names.stream('chat'), 13);
    expect(kinds(await verify(log))).toContainEqual([13, 'missing']);
  });

  it('does not trust a kept link the next checkpoint refutes', async () => {
    const log = await expiring();
    await log.publish(2);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    await log.publish(3);
    await log.caughtUp('CHAT');
    expect(await expireAll(log)).toBe(6);
    await log.publish(3);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    expect((await verify(log)).ok).toBe(true);
    // Whoever can write the chainer's tables cannot make a start of their own.
    await log.pool.query(
      "UPDATE audit_chain.links SET link = decode(repeat('ab', 32), 'hex') WHERE stream = 'CHAT' AND seq = 5",
    );
    const report = await verify(log);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toContainEqual([8, 'chain_mismatch']);
  });
});
