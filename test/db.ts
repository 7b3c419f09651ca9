import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

// int8 sequences fit in a JS number for any realistic log; parse them as numbers? No: keep
// strings from the driver and convert where read, so nothing silently loses precision.
export function openDb(url: string, max = 10): { db: Kysely<unknown>; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max });
  // Dropping a test database ends its idle connections; without a listener the pool would
  // rethrow that as an uncaught exception and fail the whole run.
  pool.on('error', () => undefined);
  return { db: new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }), pool };
}
