// better-auth's tables, then the outbox and its triggers, once per start. An advisory lock
// makes two processes starting together take turns; the second finds nothing to do.
import { getMigrations } from 'better-auth/db/migration';
import type { Kysely } from 'kysely';
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

export async function migrateAuth({ auth, authDb }: { auth: Auth; authDb: AuthDatabase }): Promise<void> {
  const client = await authDb.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK]);
    const { runMigrations } = await getMigrations(auth.options);
    await runMigrations();
    await migrateSchema({
      db: authDb.db as unknown as Kysely<unknown>,
      schema: AUTH_SCHEMA,
      migrations: authMigrations,
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK]).catch(() => undefined);
    client.release();
  }
}
