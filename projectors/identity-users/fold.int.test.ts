import { create } from '@bufbuild/protobuf';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemberErasedSchema } from '../../contracts/gen/hearth/common/v1/personal_pb.ts';
import {
  type IdentityEvent,
  PasswordChangedSchema,
  ProfileUpdatedSchema,
  RoleChangedSchema,
  SignInFailedSchema,
  UserBannedSchema,
  UserUnbannedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { openDb } from '../../test/db.ts';
import { type IdentityBody, registered, signedIn } from '../../test/events.ts';
import { testDatabase } from '../../test/services.ts';
import { migrateSchema } from '../runtime/migrate.ts';
import type { ProjectionContext, StoredEvent } from '../runtime/types.ts';
import { accountOf, evolveRow, identityUsersProjection, type Row } from './projection.ts';
import type { UsersDB } from './tables.ts';

// The projection writes a batch as inserts and patches, never reading the rows; evolveRow,
// one event at a time over rows held in memory, is what those must add up to.

let db: Kysely<unknown>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const database = await testDatabase();
  ({ db } = openDb(database.url));
  cleanup = async () => {
    await db.destroy();
    await database.cleanup();
  };
});
afterAll(() => cleanup());

function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

// '' is no account (a sign-in failure for an unknown email carries it): never registered.
const ACCOUNTS = ['ann', 'bob', 'cat', 'dan', ''];

function randomEvent(r: () => number): IdentityBody {
  const userId = ACCOUNTS[Math.floor(r() * ACCOUNTS.length)] as string;
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
  switch (Math.floor(r() * 10)) {
    case 0:
    case 1:
      return registered(userId || 'eve', pick(['member', 'admin']));
    case 2:
      return {
        case: 'roleChanged',
        value: create(RoleChangedSchema, { userId, toRole: pick(['child', 'member', '']) }),
      };
    case 3:
      return {
        case: 'userBanned',
        value: create(UserBannedSchema, {
          userId,
          reason: pick(['spam', '']),
          expiresAtMs: pick([0n, 1_900_000_000_000n]),
        }),
      };
    case 4:
      return { case: 'userUnbanned', value: create(UserUnbannedSchema, { userId }) };
    case 5: {
      const init: { userId: string; name?: string; image?: string } = { userId };
      if (r() < 0.6) init.name = pick(['Ann B.', '', 'x"y\\z']);
      if (r() < 0.6) init.image = pick(['https://img/1.png', '']);
      return { case: 'profileUpdated', value: create(ProfileUpdatedSchema, init) };
    }
    case 6:
      return signedIn(userId, `s${Math.floor(r() * 1000)}`);
    case 7:
      return { case: 'signInFailed', value: create(SignInFailedSchema, { userId, reason: 'bad password' }) };
    case 8:
      // Erased: later profile updates (late in the log) change nothing of theirs.
      return {
        case: 'memberErased',
        value: create(MemberErasedSchema, { memberId: userId, requestedBy: userId, requestedAtMs: 1n }),
      };
    default:
      return { case: 'passwordChanged', value: create(PasswordChangedSchema, { userId }) };
  }
}

const stored = (event: IdentityBody, seq: number): StoredEvent<IdentityEvent> => ({
  stream: 'IDENTITY',
  seq,
  subject: 'x',
  type: event.value.$typeName,
  occurredAt: new Date(Date.UTC(2026, 0, 1) + seq * 1000),
  actorId: 'userId' in event.value ? event.value.userId : 'admin',
  event,
});

describe('a batch of the users projection', () => {
  it('leaves the rows evolveRow computes one event at a time, however the log is cut', async () => {
    const r = rng(3);
    const paths = { lean: 0, apply: 0, erased: 0 };
    for (let run = 0; run < 25; run++) {
      const schema = `users_fold_${run}`;
      await migrateSchema({ db, schema, migrations: identityUsersProjection.migrations });
      const ctx: ProjectionContext<UsersDB> = {
        db: db.withSchema(schema) as unknown as Kysely<UsersDB>,
        schema,
        rebuilding: false,
      };
      const events = Array.from({ length: 60 }, (_, i) => stored(randomEvent(r), i + 1));
      const expected = new Map<string, Row>();
      for (const e of events) {
        const next = evolveRow(expected.get(accountOf(e) ?? ''), e);
        if (next) expected.set(next.id, next);
      }
      // Batches of 1 to 20 events, each in a transaction as the runtime applies them: the
      // batch statement first, and apply when it fails (a repeated registration).
      for (let at = 0; at < events.length; ) {
        const size = 1 + Math.floor(r() * 20);
        const batch = events.slice(at, at + size);
        await db.transaction().execute(async (tx) => {
          const txCtx = { ...ctx, db: tx.withSchema(schema) as unknown as Kysely<UsersDB> };
          const statement = identityUsersProjection.batchStatement?.(batch, txCtx);
          if (!statement) return;
          await sql`SAVEPOINT lean`.execute(tx);
          try {
            await tx.executeQuery(statement);
            paths.lean++;
          } catch {
            await sql`ROLLBACK TO SAVEPOINT lean`.execute(tx);
            await identityUsersProjection.apply(batch, txCtx);
            paths.apply++;
          }
        });
        at += size;
      }
      const { rows } = await sql<Row & { last_seq: string }>`
        SELECT * FROM ${sql.table(`${schema}.users`)} ORDER BY id`.execute(db);
      const actual = rows.map((row) => ({ ...row, last_seq: Number(row.last_seq) }));
      expect(actual).toEqual([...expected.values()].sort((a, b) => (a.id < b.id ? -1 : 1)));
      paths.erased += actual.filter((row) => row.erased_at !== null).length;
    }
    // Both ways were taken, and apply handled every repeated registration.
    expect(paths.lean).toBeGreaterThan(0);
    expect(paths.apply).toBeGreaterThan(0);
    // Erasures were among them, with updates after them.
    expect(paths.erased).toBeGreaterThan(0);
  });
});
