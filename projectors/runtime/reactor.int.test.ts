// A reactor on real NATS and Postgres: it issues its commands with ids derived from the event
// once the read models it reads have applied it, issues nothing twice when a batch comes
// again, waits while a read model it reads rebuilds, and cannot itself be rebuilt.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonErrors } from '../../contracts/errors.ts';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, registered } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { type ChatWriter, createChatWriter } from '../../writers/chat/commands.ts';
import { createChatReader } from '../../writers/chat/load.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import { findUser } from '../identity-users/queries.ts';
import type { ProjectorRunner } from './runner.ts';
import type { Reactor } from './types.ts';

const NAME = 'test_joins';
let rt: TestRuntime;
let chat: ChatWriter;
let runner: ProjectorRunner;
let identity: string;
/** What the reactor issued: whose join, with what metadata, and whether identity_users knew them. */
const issued: { userId: string; meta: CommandMeta; known: boolean }[] = [];
/** How many times the log answers "unavailable" before it takes a command. */
let unavailable = 0;

const joins: Reactor<unknown, IdentityEvent> = {
  name: NAME,
  domain: 'identity',
  reads: ['identity_users'],
  wants: (e) => e.event.case === 'userRegistered',
  react: async (events, { issue }) => {
    for (const e of events) {
      if (e.event.case !== 'userRegistered') continue;
      const userId = e.event.value.userId;
      const known = (await findUser(rt.db, userId)) !== undefined;
      await issue({
        cause: e,
        run: async (meta) => {
          issued.push({ userId, meta, known });
          if (unavailable > 0) {
            unavailable--;
            throw commonErrors.unavailable();
          }
          return chat.joinFamily(userId, meta);
        },
      });
    }
  },
};

const start = () => rt.runner([identityUsersProjection, joins] as never);
const chatEvents = async () => (await rt.log.jsm.streams.info(rt.log.names.stream('chat'))).state.messages;
const register = async (userId: string) => {
  const seq = await publishIdentity(rt.log, registered(userId));
  return { seq, position: `${identity}:${seq}` };
};
const reacted = async (seq: number) => expect(await runner.waitFor(NAME, seq, 15_000)).toBe(true);

beforeAll(async () => {
  rt = await openTestRuntime();
  identity = rt.log.names.stream('identity');
  chat = createChatWriter({
    appender: createAppender({ log: rt.log }),
    reader: createChatReader({ log: rt.log }),
  });
  runner = await start();
});
afterAll(() => rt.cleanup());

describe('a reactor', () => {
  it('issues a command keyed by the event, once the read models it reads have applied it', async () => {
    const { seq, position } = await register('ann');
    await reacted(seq);
    expect(issued).toEqual([
      {
        userId: 'ann',
        known: true,
        meta: expect.objectContaining({
          commandId: `${NAME}:${position}`,
          causationId: position,
          correlationId: 'test', // the event's own
          actorId: '',
          retryable: true,
        }),
      },
    ]);
    expect(await chatEvents()).toBeGreaterThan(0);
  });

  it('issues nothing twice when a batch is delivered again', async () => {
    const before = await chatEvents();
    const { seq } = await register('bob');
    await reacted(seq);
    expect(await chatEvents()).toBe(before + 1);
    // As if the checkpoint had not committed: everything comes again, from the start.
    await runner.stop();
    await sql`UPDATE hearth.checkpoints SET last_seq = 0 WHERE read_model = ${NAME}`.execute(rt.db);
    runner = await start();
    await reacted(seq);
    const again = issued.filter((i) => i.userId === 'bob');
    expect(again).toHaveLength(2);
    expect(again[1]?.meta.commandId).toBe(again[0]?.meta.commandId);
    expect(await chatEvents()).toBe(before + 1);
  });

  it('retries while the log is unavailable, and keeps the batch rather than parking it', async () => {
    unavailable = 2;
    const { seq } = await register('cy');
    await reacted(seq);
    expect(issued.filter((i) => i.userId === 'cy')).toHaveLength(3);
    expect(await runner.deadLetters.list({ readModel: NAME })).toEqual([]);
  });

  it('waits, acting on nothing, while a read model it reads is rebuilt', async () => {
    // As a live rebuild does: its row says running, and its process holds the rebuild lock.
    await rt.db.connection().execute(async (rebuilder) => {
      await sql`SELECT pg_advisory_lock(hashtext('hearth.rebuild'), hashtext('identity_users'))`.execute(
        rebuilder,
      );
      await sql`INSERT INTO hearth.rebuilds (read_model, status) VALUES ('identity_users', 'running')`.execute(
        rt.db,
      );
      const { seq } = await register('dee');
      expect(await runner.waitFor('identity_users', seq, 5000)).toBe(true);
      await new Promise((r) => setTimeout(r, 1500));
      expect(issued.some((i) => i.userId === 'dee')).toBe(false);
      expect((await runner.positions([NAME])).get(NAME)).toBeLessThan(seq);

      await sql`UPDATE hearth.rebuilds SET status = 'done' WHERE read_model = 'identity_users'`.execute(
        rt.db,
      );
      await sql`SELECT pg_advisory_unlock(hashtext('hearth.rebuild'), hashtext('identity_users'))`.execute(
        rebuilder,
      );
      await reacted(seq);
    });
    expect(issued.filter((i) => i.userId === 'dee')).toHaveLength(1);
    expect(await runner.deadLetters.list({ readModel: NAME })).toEqual([]);
  });

  it('is not held by a rebuild whose process died, which a new rebuild then takes over', async () => {
    // The row a crashed rebuild leaves: running, with no one holding its lock.
    await sql`UPDATE hearth.rebuilds SET status = 'running' WHERE read_model = 'identity_users'`.execute(
      rt.db,
    );
    const { seq } = await register('eve');
    await reacted(seq);
    expect(issued.filter((i) => i.userId === 'eve')).toHaveLength(1);
    expect(await runner.rebuildStatus('identity_users')).toMatchObject({ status: 'failed' });
    expect((await runner.rebuild('identity_users')).status).toBe('done');
  });

  it('starts at the end of a stream it arrives to, acting on none of its past', async () => {
    const late: Reactor<unknown, IdentityEvent> = { ...joins, name: 'test_late' };
    const before = issued.length;
    const last = (await rt.log.jsm.streams.info(identity)).state.last_seq;
    const other = await rt.runner([identityUsersProjection, late] as never);
    expect((await other.positions(['test_late'])).get('test_late')).toBe(last);
    await other.stop();
    expect(issued).toHaveLength(before);
  });

  it('cannot be rebuilt: nothing is replayed, skipped or issued', async () => {
    const count = issued.length;
    const chatBefore = await chatEvents();
    const before = (await runner.positions([NAME])).get(NAME);
    await expect(runner.rebuild(NAME)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(issued).toHaveLength(count);
    expect(await chatEvents()).toBe(chatBefore);
    expect((await runner.positions([NAME])).get(NAME)).toBe(before);
  });
});
