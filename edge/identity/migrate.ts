// better-auth's tables, then the outbox and its triggers, once per start. An advisory lock
// makes two processes starting together take turns; the second finds nothing to do.
import { getMigrations } from 'better-auth/db/migration';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AUTH_SCHEMA } from '../../projectors/identity-access/reactor.ts';
import { migrateSchema } from '../../projectors/runtime/migrate.ts';
import type { Auth } from './auth.ts';
import type { AuthDatabase } from './db.ts';
import * as outbox20261123 from './migrations/20261123T0900_outbox.ts';
import * as outboxOrigin20261207 from './migrations/20261207T1600_outbox_origin.ts';

export const authMigrations = {
  '20261123T0900_outbox': outbox20261123,
  '20261207T1600_outbox_origin': outboxOrigin20261207,
};

const LOCK = 'hearth.auth.migrate';
/** A migration that gave up waiting for a table lock (its own lock_timeout) is tried again. */
const LOCK_ATTEMPTS = 5;

async function withLockRetries(run: () => Promise<void>, logger?: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code !== '55P03' || attempt >= LOCK_ATTEMPTS) {
        if (cause?.code === '55P03')
          (err as Error).message += ` Its table stayed locked through ${LOCK_ATTEMPTS} attempts.`;
        throw err;
      }
      logger?.warn({ attempt }, 'auth migration: the outbox stayed locked; trying again');
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

export async function migrateAuth({
  auth,
  authDb,
  logger,
}: {
  auth: Auth;
  authDb: AuthDatabase;
  logger?: Logger;
}): Promise<void> {
  const client = await authDb.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK]);
    const { runMigrations } = await getMigrations(auth.options);
    await runMigrations();
    await withLockRetries(
      () =>
        migrateSchema({
          db: authDb.db as unknown as Kysely<unknown>,
          schema: AUTH_SCHEMA,
          migrations: authMigrations,
        }),
      logger,
    );
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK]).catch(() => undefined);
    client.release();
  }
}
