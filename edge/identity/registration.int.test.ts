// The registration policy and the auth schema's migrations, on real Postgres.
import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/hub.ts';
import { testDatabase } from '../../test/services.ts';
import { createAuth } from './auth.ts';
import { type AuthDatabase, openAuthDatabase } from './db.ts';
import { NO_INVITES } from './invites.ts';
import { migrateAuth } from './migrate.ts';
import * as outboxOrigin from './migrations/20261207T1600_outbox_origin.ts';
import { registrationHooks } from './registration.ts';

const logger = pino({ level: 'silent' });
const settings = {
  secret: 'a-test-secret-that-is-long-enough-0123456789',
  baseURL: 'http://localhost:3000',
  trustedOrigins: ['http://localhost:3000'],
  allowedEmailDomains: [],
  rateLimit: { enabled: false, window: 60, max: 30 },
};

let database: Awaited<ReturnType<typeof testDatabase>>;
const opened: AuthDatabase[] = [];

async function open(): Promise<AuthDatabase> {
  const authDb = await openAuthDatabase({ databaseUrl: database.url, logger });
  opened.push(authDb);
  return authDb;
}

beforeAll(async () => {
  database = await testDatabase();
});
afterAll(async () => {
  for (const authDb of opened) await authDb.close();
  await database.cleanup();
});

describe('migrations', () => {
  it('run once when two processes start together, and again as a no-op', async () => {
    const [a, b] = [await open(), await open()];
    await Promise.all([
      migrateAuth({ auth: createAuth({ settings, authDb: a, logger }), authDb: a }),
      migrateAuth({ auth: createAuth({ settings, authDb: b, logger }), authDb: b }),
    ]);
    await migrateAuth({ auth: createAuth({ settings, authDb: a, logger }), authDb: a });
    const { rows } = await a.pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'auth' ORDER BY 1",
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['account', 'outbox', 'rateLimit', 'session', 'user', 'verification']),
    );
  });

  it('give up waiting for a locked outbox, and try again', async () => {
    const a = await open();
    await migrateAuth({ auth: createAuth({ settings, authDb: a, logger }), authDb: a });
    // The outbox as it was before the origin columns, locked as the relay's FOR UPDATE locks it.
    await outboxOrigin.down(a.db as unknown as Kysely<unknown>);
    await a.pool.query("DELETE FROM auth.kysely_migration WHERE name = '20261207T1600_outbox_origin'");
    const holder = await a.pool.connect();
    const warnings: string[] = [];
    const watching = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE auth.outbox IN ROW SHARE MODE');
      const migrating = migrateAuth({
        auth: createAuth({ settings, authDb: a, logger }),
        authDb: a,
        logger: watching,
      });
      await eventually(async () => (warnings.some((w) => w.includes('trying again')) ? true : undefined), {
        what: 'a retry',
        timeoutMs: 15_000,
      });
      await holder.query('ROLLBACK');
      await migrating;
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    const { rows } = await a.pool.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'auth' AND table_name = 'outbox'",
    );
    expect(rows.map((r) => r.column_name)).toEqual(expect.arrayContaining(['client_ip', 'user_agent']));
  });
});

describe('the auth database', () => {
  it('knows the transaction the current code runs in, however the transaction was built', async () => {
    const authDb = await open();
    expect(authDb.currentTransaction()).toBeUndefined();
    const seen = await authDb.db
      .transaction()
      .setIsolationLevel('serializable')
      .execute(async (trx) => authDb.currentTransaction() === trx);
    expect(seen).toBe(true);
    const { rows } = await authDb.pool.query<{ schema: string }>('SELECT current_schema() AS schema');
    expect(rows[0]?.schema).toBe('auth');
  });
});

describe('the first account', () => {
  it('is decided under a lock held until its transaction commits', async () => {
    const authDb = await open();
    // Open sign-up: the second is let in, and the lock decides which of the two is first.
    const decide = registrationHooks({
      policy: { allowedEmailDomains: [], openSignup: true },
      authDb,
      invites: NO_INVITES,
    }).beforeUser;
    const insert = (id: string, role: string) =>
      authDb.db.insertInto('user').values({
        id,
        name: id,
        email: `${id}@family.test`,
        emailVerified: false,
        image: null,
        createdAt: new Date(),
        updatedAt: new Date(),
        role,
        banned: false,
        banReason: null,
        banExpires: null,
      });

    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let firstDecided = () => {};
    const decided = new Promise<void>((r) => {
      firstDecided = r;
    });
    const first = authDb.db.transaction().execute(async (trx) => {
      const { data } = await decide({ email: 'first@family.test' });
      await trx.executeQuery(insert('first', data.role).compile());
      firstDecided();
      await held;
      return data.role;
    });
    await decided;

    let secondDone = false;
    const second = authDb.db.transaction().execute(async (trx) => {
      const { data } = await decide({ email: 'second@family.test' });
      secondDone = true;
      await trx.executeQuery(insert('second', data.role).compile());
      return data.role;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(secondDone).toBe(false);
    release();
    expect(await first).toBe('admin');
    expect(await second).toBe('member');
  });
});
