// The chainer over a real stream: it stops on a stream that went back behind it (and says so),
// signs checkpoints that continue each other with the real anchor of each range, adds none when
// nothing happened, forgets what expired, and holds no connection while it waits.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/hub.ts';
import { equalLinks, ZERO_LINK } from '../../writers/audit/chain.ts';
import { appendCheckpoint, readCheckpoints } from '../../writers/audit/checkpoints.ts';
import { verifyStream } from '../../writers/audit/verify-stream.ts';
import { type ChainedLog, chainedLog } from './chain.fixture.ts';
import { readPosition, storedLink } from './tables.ts';

let t: ChainedLog | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** The checkpoints of a stream on the log, as ranges. */
async function ranges(log: ChainedLog, stream: string) {
  return (await readCheckpoints({ log: log.log, stream })).map((c) => c.checkpoint);
}

/** Every checkpoint begins where the one before it ended, anchored on its link. */
function expectContinuous(list: Awaited<ReturnType<typeof ranges>>) {
  list.forEach((c, i) => {
    const prev = list[i - 1];
    expect(c.firstSeq, `checkpoint through ${c.seq}`).toBe(prev ? prev.seq + 1 : 1);
    expect(equalLinks(c.anchor, prev ? prev.link : ZERO_LINK), `anchor of ${c.seq}`).toBe(true);
  });
}

const chatStream = (log: ChainedLog) => log.log.names.stream('chat');
const lastSeq = async (log: ChainedLog, stream: string) =>
  (await log.log.jsm.streams.info(stream)).state.last_seq;

describe('a stream that went back behind the chain', () => {
  it('is not chained further, and the chainer says the log lost its history', async () => {
    const said: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void said.push(line) });
    t = await chainedLog(undefined, logger);
    const log = t;
    await log.publish(6);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    // The store lost: the stream made again from an old backup of its first 3 events.
    await log.restore(chatStream(log), (await log.copy(chatStream(log))).slice(0, 3), { hardened: false });
    await eventually(async () => said.find((l) => /ends at 3, before the chain's position 6/.test(l)));
    expect(await log.chainer().lost()).toEqual([
      expect.objectContaining({
        stream: 'CHAT',
        position: 6,
        lastSeq: 3,
        reason: expect.stringMatching(/lost its history/),
      }),
    ]);

    // Nor is a checkpoint signed over it on demand.
    await expect(log.chainer().checkpointAll({ timeoutMs: 1000 })).rejects.toThrow(/lost its history/);

    // Past the old position again: still not the stream the chain followed.
    await log.publish(6);
    expect(await lastSeq(log, chatStream(log))).toBe(9);
    await eventually(async () => said.find((l) => /CHAT was made again/.test(l)));
    expect((await readPosition(log.pool, 'CHAT'))?.seq).toBe(6);
    expect(await log.chainer().lost()).toEqual([
      expect.objectContaining({
        stream: 'CHAT',
        reason: expect.stringMatching(/made again.*lost its history/),
      }),
    ]);
    // A new chainer (another hub, a restart) refuses as well.
    await log.restartChainer();
    said.length = 0;
    await eventually(async () => said.find((l) => /CHAT was made again/.test(l)));
    expect((await readPosition(log.pool, 'CHAT'))?.seq).toBe(6);
  });
});

describe('checkpoints', () => {
  it('add none when nothing happened since the last (AUDIT included)', async () => {
    t = await chainedLog();
    await t.publish(3);
    await t.caughtUp('CHAT');
    const first = await t.chainer().checkpointAll();
    const audit = t.log.names.stream('audit');
    await t.caughtUp('AUDIT');
    const before = await lastSeq(t, audit);
    const again = await t.chainer().checkpointAll();
    await t.chainer().checkpointAll();
    expect(await lastSeq(t, audit)).toBe(before);
    expect(again).toEqual(first);
  });

  it('continue the one a crash left on the log unrecorded, anchored on its link', async () => {
    t = await chainedLog({ every: 1000, intervalMs: 3_600_000 });
    await t.publish(5);
    await t.caughtUp('CHAT');
    await t.chainer().checkpointAll();
    await t.publish(3);
    await t.caughtUp('CHAT');
    // Appended, then the hub died before recording it.
    const pos = await readPosition(t.pool, 'CHAT');
    await appendCheckpoint({
      log: t.log,
      key: t.key,
      now: new Date(),
      range: {
        stream: 'CHAT',
        firstSeq: 6,
        anchor: (await storedLink(t.pool, 'CHAT', 5)) ?? ZERO_LINK,
        seq: 8,
        link: pos?.link ?? ZERO_LINK,
      },
    });
    await t.publish(2);
    await t.caughtUp('CHAT');
    await Promise.all([t.chainer().checkpointAll(), t.chainer().checkpointAll()]);
    const list = await ranges(t, 'CHAT');
    expect(list.slice(-2).map((c) => [c.firstSeq, c.seq])).toEqual([
      [6, 8],
      [9, 10],
    ]);
    expectContinuous(list);
    expect((await verifyStream({ log: t.log, stream: 'CHAT', key: t.key })).ok).toBe(true);
  });

  it('are signed one at a time per stream: a signer waits for another, then continues its checkpoint', async () => {
    t = await chainedLog({ every: 1000, intervalMs: 3_600_000 });
    const log = t;
    await log.publish(5);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    await log.publish(3);
    await log.caughtUp('CHAT');
    // Another hub signing CHAT: it holds the stream's signing lock.
    const other = await log.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        'hearth.audit-chain.checkpoint.CHAT',
      ]);
      const signing = log.chainer().checkpointAll();
      await eventually(async () => {
        const { rows } = await log.pool.query(
          `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        return rows.length > 0 ? true : undefined;
      });
      await log.publish(2);
      await log.caughtUp('CHAT');
      const pos = await readPosition(log.pool, 'CHAT');
      await appendCheckpoint({
        log: log.log,
        key: log.key,
        now: new Date(),
        range: {
          stream: 'CHAT',
          firstSeq: 6,
          anchor: (await storedLink(log.pool, 'CHAT', 5)) ?? ZERO_LINK,
          seq: 10,
          link: pos?.link ?? ZERO_LINK,
        },
      });
      await other.query('COMMIT');
      expect(await signing).toContainEqual({ stream: 'CHAT', seq: 10 });
    } finally {
      other.release();
    }
    const list = await ranges(log, 'CHAT');
    expect(list.map((c) => [c.firstSeq, c.seq])).toEqual([
      [1, 5],
      [6, 10],
    ]);
  });

  it('taken on demand beside the timed ones, continue each other', async () => {
    t = await chainedLog({ every: 2, intervalMs: 3_600_000 });
    for (let i = 0; i < 6; i++) {
      await t.publish(3);
      await Promise.all([t.chainer().checkpointAll(), t.chainer().checkpointAll()]);
    }
    expectContinuous(await ranges(t, 'CHAT'));
    expectContinuous(await ranges(t, 'AUDIT'));
  });

  it('after events expired unchained, sign the range from where the chain began again, on the zero link', async () => {
    t = await chainedLog();
    const log = t;
    await log.publish(5);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    await log.restartChainer(async () => {
      const { config } = await log.log.jsm.streams.info(chatStream(log));
      await log.log.jsm.streams.update(chatStream(log), { ...config, max_msgs: 3 });
      await log.publish(8);
    });
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    const list = await ranges(log, 'CHAT');
    expect(list.at(-1)).toMatchObject({ firstSeq: 11, seq: 13 });
    expect(equalLinks(list.at(-1)?.anchor ?? new Uint8Array(), ZERO_LINK)).toBe(true);
  });
});

describe('what the chainer keeps', () => {
  it('forgets the links and checkpoints below what expired, keeping the anchor, and verify still passes', async () => {
    t = await chainedLog();
    const log = t;
    await log.publish(10);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    const { config } = await log.log.jsm.streams.info(chatStream(log));
    await log.log.jsm.streams.update(chatStream(log), { ...config, max_msgs: 4 });
    // The first retained event is 7: link(6) anchors it.
    await eventually(async () => {
      const { rows } = await log.pool.query<{ min: string }>(
        `SELECT min(seq) AS min FROM audit_chain.links WHERE stream = 'CHAT'`,
      );
      return Number(rows[0]?.min) === 6 ? true : undefined;
    });
    expect(await storedLink(log.pool, 'CHAT', 6)).toBeDefined();
    const { rows } = await log.pool.query<{ seq: string }>(
      `SELECT seq FROM audit_chain.checkpoints WHERE stream = 'CHAT' ORDER BY seq`,
    );
    expect(rows.map((r) => Number(r.seq)).every((s) => s >= 6)).toBe(true);
    const report = await verifyStream({
      log: log.log,
      stream: 'CHAT',
      key: log.key,
      storedLinks: log.chainer().links('CHAT'),
    });
    expect(report).toMatchObject({ ok: true, from_seq: 7, to_seq: 10 });
  });

  it('holds no pooled connection while it waits for events', async () => {
    t = await chainedLog();
    const log = t;
    await log.publish(3);
    await log.caughtUp('CHAT');
    await eventually(async () => (log.pool.totalCount - log.pool.idleCount === 0 ? true : undefined));
  });
});
