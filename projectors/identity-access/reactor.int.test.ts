// identity_access on real NATS and Postgres: admin decisions from the log land in better-auth's
// tables, silently (no outbox rows), and applying an event twice changes nothing more.
import { create } from '@bufbuild/protobuf';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type IdentityEvent,
  RoleChangedSchema,
  SessionRevokedSchema,
  UserBannedSchema,
  UserUnbannedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { createAuth } from '../../edge/identity/auth.ts';
import { type AuthDatabase, openAuthDatabase } from '../../edge/identity/db.ts';
import { migrateAuth } from '../../edge/identity/migrate.ts';
import { openDb } from '../../test/db.ts';
import { type IdentityBody, publishIdentity } from '../../test/events.ts';
import { testDatabase, testNats } from '../../test/services.ts';
import { type Log, openLog } from '../../writers/log/open.ts';
import { createProjectorRunner, type ProjectorRunner } from '../runtime/runner.ts';
import type { StoredEvent } from '../runtime/types.ts';
import { IDENTITY_ACCESS, identityAccessReactor } from './reactor.ts';

const logger = pino({ level: 'silent' });
let nats: Awaited<ReturnType<typeof testNats>>;
let database: Awaited<ReturnType<typeof testDatabase>>;
let db: Kysely<unknown>;
let pool: pg.Pool;
let authDb: AuthDatabase;
let log: Log;
let runner: ProjectorRunner;

const publish = async (event: IdentityBody) => {
  const seq = await publishIdentity(log, event);
  expect(await runner.waitFor(IDENTITY_ACCESS, seq, 5000)).toBe(true);
  return seq;
};
const user = (id: string) =>
  authDb.db.selectFrom('user').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const sessionsOf = async (id: string) =>
  (await authDb.db.selectFrom('session').select('id').where('userId', '=', id).orderBy('id').execute()).map(
    (s) => s.id,
  );
const outboxCount = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM auth.outbox`.execute(db)).rows[0]?.n);

async function seedUser(id: string, sessions: string[]) {
  const now = new Date();
  await authDb.db
    .insertInto('user')
    .values({
      id,
      name: id,
      email: `${id}@family.test`,
      emailVerified: true,
      image: null,
      createdAt: now,
      updatedAt: now,
      role: 'member',
      banned: false,
      banReason: null,
      banExpires: null,
    })
    .execute();
  for (const sid of sessions) {
    await authDb.db
      .insertInto('session')
      .values({
        id: sid,
        userId: id,
        token: `token-${sid}`,
        expiresAt: new Date(Date.now() + 3_600_000),
        createdAt: now,
        updatedAt: now,
        ipAddress: '127.0.0.1',
        userAgent: 'test',
        impersonatedBy: null,
      })
      .execute();
  }
}

beforeAll(async () => {
  nats = await testNats();
  database = await testDatabase();
  ({ db, pool } = openDb(database.url));
  authDb = await openAuthDatabase({ databaseUrl: database.url, logger });
  const auth = createAuth({
    settings: {
      secret: 'a-test-secret-that-is-long-enough-0123456789',
      baseURL: 'http://localhost:3000',
      trustedOrigins: [],
      allowedEmailDomains: [],
      rateLimit: { enabled: false, window: 60, max: 30 },
    },
    authDb,
    logger,
  });
  await migrateAuth({ auth, authDb });
  log = await openLog({ nc: nats.nc, names: nats.names });
  runner = createProjectorRunner({
    db,
    pool,
    log,
    logger,
    projections: [identityAccessReactor as never],
  });
  await runner.migrate();
  await runner.start();
});
afterAll(async () => {
  await runner.stop();
  await authDb.close();
  await db.destroy();
  await database.cleanup();
  await nats.cleanup();
});

describe('identity_access', () => {
  let before: number;
  beforeEach(async () => {
    before = await outboxCount();
  });

  it('applies a role change to the user row, without an outbox row', async () => {
    await seedUser('ann', ['ann-1']);
    before = await outboxCount();
    await publish({
      case: 'roleChanged',
      value: create(RoleChangedSchema, { userId: 'ann', fromRole: 'member', toRole: 'child' }),
    });
    expect((await user('ann')).role).toBe('child');
    expect(await outboxCount()).toBe(before);
  });

  it('bans: sets the ban and ends every session of that user, silently', async () => {
    await seedUser('bob', ['bob-1', 'bob-2']);
    await seedUser('cat', ['cat-1']);
    before = await outboxCount();
    const until = Date.now() + 3_600_000;
    await publish({
      case: 'userBanned',
      value: create(UserBannedSchema, { userId: 'bob', reason: 'spam', expiresAtMs: BigInt(until) }),
    });
    expect(await user('bob')).toMatchObject({ banned: true, banReason: 'spam', banExpires: new Date(until) });
    expect(await sessionsOf('bob')).toEqual([]);
    expect(await sessionsOf('cat')).toEqual(['cat-1']);
    expect(await outboxCount()).toBe(before);
  });

  it('unbans', async () => {
    await publish({ case: 'userUnbanned', value: create(UserUnbannedSchema, { userId: 'bob' }) });
    expect(await user('bob')).toMatchObject({ banned: false, banReason: null, banExpires: null });
  });

  it('revokes one session of the named user only', async () => {
    await seedUser('dan', ['dan-1', 'dan-2']);
    before = await outboxCount();
    await publish({
      case: 'sessionRevoked',
      value: create(SessionRevokedSchema, { userId: 'cat', sessionId: 'dan-1', reason: 'wrong user' }),
    });
    await publish({
      case: 'sessionRevoked',
      value: create(SessionRevokedSchema, { userId: 'dan', sessionId: 'dan-2', reason: 'lost phone' }),
    });
    expect(await sessionsOf('dan')).toEqual(['dan-1']);
    expect(await outboxCount()).toBe(before);
  });

  it('changes nothing more when an event is applied twice', async () => {
    const event: StoredEvent<IdentityEvent> = {
      stream: log.names.stream('identity'),
      seq: 1,
      subject: log.names.identity.account('dan'),
      type: 'hearth.identity.v1.UserBanned',
      occurredAt: new Date(),
      actorId: 'admin',
      event: {
        case: 'userBanned',
        value: create(UserBannedSchema, { userId: 'dan', reason: 'again', expiresAtMs: 0n }),
      },
    };
    for (let i = 0; i < 2; i++) {
      await db.transaction().execute((tx) =>
        identityAccessReactor.react([event], {
          db: tx,
          logger,
          issue: () => Promise.reject(new Error('identity_access issues no commands')),
        }),
      );
    }
    expect(await user('dan')).toMatchObject({ banned: true, banReason: 'again', banExpires: null });
    expect(await sessionsOf('dan')).toEqual([]);
  });

  it('leaves the triggers recording writes that do not come from the log', async () => {
    await sql`UPDATE auth."user" SET name = 'Danny' WHERE id = 'dan'`.execute(db);
    expect(await outboxCount()).toBe(before + 1);
  });

  it('cannot be rebuilt beside itself', async () => {
    await expect(runner.rebuild(IDENTITY_ACCESS)).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
