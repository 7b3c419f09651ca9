import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleChangedSchema } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { openDb } from '../../test/db.ts';
import { found, snapshotBytes } from '../../test/erased.ts';
import { type IdentityBody, publishIdentity, registered } from '../../test/events.ts';
import { testDatabase, testNats } from '../../test/services.ts';
import { createChatWriter } from '../../writers/chat/commands.ts';
import { createChatReader } from '../../writers/chat/load.ts';
import { messageAggregate } from '../../writers/chat/message.ts';
import { accountAggregate } from '../../writers/identity/decide.ts';
import { createAppender } from '../../writers/log/append.ts';
import { foldAggregate } from '../../writers/log/fold.ts';
import { type Log, openLog } from '../../writers/log/open.ts';
import { readSnapshot } from '../../writers/log/snapshot.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import { listBaselines } from '../runtime/baseline.ts';
import { createProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { keptPosition } from './aggregates.ts';
import { type KeeperDeps, keepRound, LOG_KEEPER_LOCK, migrateKeeper } from './keeper.ts';

const RETENTION_MS = 3000;
const roleChanged = (userId: string, toRole: string): IdentityBody => ({
  case: 'roleChanged',
  value: create(RoleChangedSchema, { userId, fromRole: 'member', toRole }),
});

let nats: Awaited<ReturnType<typeof testNats>>;
let database: Awaited<ReturnType<typeof testDatabase>>;
let conn: ReturnType<typeof openDb>;
let log: Log;
const deps = (more: Partial<KeeperDeps> = {}): KeeperDeps => ({
  log,
  pool: conn.pool,
  db: conn.db,
  projections: [],
  // Everything already stored is due.
  marginMs: RETENTION_MS,
  logger: pino({ level: 'silent' }),
  ...more,
});
const stream = () => log.names.stream('identity');
const position = () => keptPosition(conn.db as never, stream());
const account = (id: string) => log.names.identity.account(id);

/** Polls without a fixed sleep: until `probe` holds, or fails after a generous bound. */
async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  nats = await testNats();
  database = await testDatabase();
  conn = openDb(database.url);
  log = await openLog({ nc: nats.nc, names: nats.names, retentionMs: RETENTION_MS });
  await migrateKeeper(conn.db);
});
afterAll(async () => {
  await conn.db.destroy();
  await database.cleanup();
  await nats.cleanup();
});

describe('the log keeper', () => {
  it('keeps nothing that is not due yet', async () => {
    await publishIdentity(log, registered('fresh'));
    // With the whole retention as time to spare, nothing stored now is due.
    expect(await keepRound(deps({ marginMs: 0 }))).toMatchObject({ streams: expect.any(Array) });
    expect(await position()).toBe(0);
    expect(await readSnapshot(log.snapshots, account('fresh'))).toBeUndefined();
  });

  it('survives a crash mid-round: the next round resumes from its saved position', async () => {
    await publishIdentity(log, registered('crash'));
    const last = await publishIdentity(log, roleChanged('crash', 'child'));
    const crashing = keepRound(
      deps({
        onBatch: () => {
          throw new Error('killed');
        },
      }),
    );
    await expect(crashing).rejects.toThrow('killed');
    expect(await position()).toBe(0);
    // The crashed round wrote its snapshots but not its position: this one walks the same events.
    expect(await keepRound(deps())).toMatchObject({
      streams: expect.arrayContaining([expect.objectContaining({ stream: stream(), seq: last, missed: 0 })]),
    });
    expect(await readSnapshot(log.snapshots, account('crash'))).toMatchObject({
      seq: last,
      state: { role: 'child' },
    });
    expect(await readSnapshot(log.snapshots, account('fresh'))).toMatchObject({ state: { userId: 'fresh' } });
    expect(await position()).toBe(last);
  });

  it('keeps every aggregate, so loading decides on the same state once its events expired', async () => {
    await publishIdentity(log, registered('kept'));
    const last = await publishIdentity(log, roleChanged('kept', 'child'));
    const before = await foldAggregate({ log, type: accountAggregate, subject: account('kept') });
    await keepRound(deps());
    expect(await readSnapshot(log.snapshots, account('kept'))).toEqual({ seq: last, state: before.state });
    await until(
      async () => (await log.jsm.streams.info(stream())).state.first_seq > last,
      'the events to expire',
    );
    // With no event of it left, its sequence is 0, as the server checks an expected one.
    const after = await foldAggregate({ log, type: accountAggregate, subject: account('kept') });
    expect(after).toEqual({ state: before.state, seq: 0, folded: 0 });
    expect(after.state).toMatchObject({ role: 'child' });
    // A round after the expiry finds nothing left to keep, and missed nothing.
    expect(await keepRound(deps())).toMatchObject({
      streams: expect.arrayContaining([{ stream: stream(), seq: last, snapshots: 0, missed: 0 }]),
    });
    // A decision on it is taken on the kept state, and its append expects what the server expects.
    const appended = await createAppender({ log }).append({
      type: accountAggregate,
      id: 'kept',
      command: { type: 'changeRole', userId: 'kept', role: 'member', actorId: 'admin1', now: new Date() },
      meta: { commandId: 'keep-1', actorId: 'admin1', correlationId: 'keep-1', now: new Date() },
    });
    expect(appended).toMatchObject({ appended: 1, duplicate: false });
    const again = await foldAggregate({ log, type: accountAggregate, subject: account('kept') });
    expect(again).toMatchObject({ state: { role: 'member' }, seq: appended.seq, folded: 1 });
  });

  it("keeps a message's sender and state, never its words, and decides on it once its events expired", async () => {
    const appender = createAppender({ log });
    const chat = createChatWriter({ appender, reader: createChatReader({ log }) });
    const meta = (actorId: string) => ({
      commandId: randomUUID(),
      actorId,
      correlationId: 't',
      now: new Date(),
    });
    await chat.joinFamily('writer', meta(''));
    const messageId = randomUUID();
    await chat.post(
      { channelId: 'family', messageId, senderId: 'writer', content: 'words-to-forget' },
      meta('writer'),
    );
    const subject = log.names.chat.message('family', messageId);
    const { seq } = await chat.edit(
      { channelId: 'family', messageId, by: 'writer', content: 'edited-words-to-forget' },
      meta('writer'),
    );
    const folded = await foldAggregate({ log, type: messageAggregate, subject });
    expect(folded.state).toMatchObject({ status: 'posted', content: 'edited-words-to-forget' });
    await keepRound(deps());
    expect(await readSnapshot(log.snapshots, subject)).toEqual({
      seq,
      state: { ...folded.state, content: '' },
    });
    expect(found(await snapshotBytes(log), ['words-to-forget'])).toEqual([]);
    const chatStream = log.names.stream('chat');
    await until(
      async () => (await log.jsm.streams.info(chatStream)).state.first_seq > seq,
      'the events to expire',
    );
    // Only its sender may delete it, and it is found posted: the snapshot holds what that takes.
    await expect(
      chat.remove({ channelId: 'family', messageId, by: 'other', canModerate: false }, meta('other')),
    ).rejects.toMatchObject({ code: 'chat.not_a_member' });
    const removed = await chat.remove(
      { channelId: 'family', messageId, by: 'writer', canModerate: false },
      meta('writer'),
    );
    expect(removed).toMatchObject({ appended: 1 });
  });

  it('tells once of events that expired before it kept them, and goes on from what is left', async () => {
    const playStream = log.names.stream('play');
    const { seq } = await log.js.publish(log.names.play.match('never-kept'), new Uint8Array());
    await until(
      async () => (await log.jsm.streams.info(playStream)).state.first_seq > seq,
      'the event to expire',
    );
    const missed = (await keepRound(deps())) as {
      streams: { stream: string; missed: number; seq: number }[];
    };
    expect(missed.streams.find((s) => s.stream === playStream)).toMatchObject({ missed: 1, seq });
    const next = (await keepRound(deps())) as typeof missed;
    expect(next.streams.find((s) => s.stream === playStream)).toMatchObject({ missed: 0, seq });
  });

  it('runs once per deployment: a round while another holds the lead is skipped', async () => {
    const other = await conn.pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [LOG_KEEPER_LOCK]);
      expect(await keepRound(deps())).toEqual({ skipped: 'another process is keeping the log' });
      await other.query('SELECT pg_advisory_unlock(hashtext($1))', [LOG_KEEPER_LOCK]);
    } finally {
      other.release();
    }
  });
});

describe('the baselines it takes', () => {
  it('renews a read model’s baseline only once the event after it is due', async () => {
    const runner = createProjectorRunner({
      db: conn.db,
      pool: conn.pool,
      log,
      projections: [identityUsersProjection as unknown as AnyProjection],
      logger: pino({ level: 'silent' }),
    });
    await runner.migrate();
    await runner.start();
    try {
      const withUsers = deps({ projections: [identityUsersProjection as unknown as AnyProjection] });
      const seq = await publishIdentity(log, registered('based'));
      expect(await runner.waitFor('identity_users', seq, 5000)).toBe(true);
      expect(await keepRound(withUsers)).toMatchObject({
        baselines: [{ readModel: 'identity_users', checkpoint: seq }],
      });
      expect(await keepRound(withUsers)).toMatchObject({ baselines: [] });
      // Nothing is due while the whole retention remains: no new copy either.
      const next = await publishIdentity(log, registered('based-too'));
      expect(await runner.waitFor('identity_users', next, 5000)).toBe(true);
      expect(await keepRound({ ...withUsers, marginMs: 0 })).toMatchObject({ baselines: [] });
      expect(await keepRound(withUsers)).toMatchObject({
        baselines: [{ readModel: 'identity_users', checkpoint: next }],
      });
      expect((await listBaselines(conn.db, 'identity_users')).map((b) => b.checkpoint)).toEqual([next, seq]);
    } finally {
      await runner.stop();
    }
  });
});
