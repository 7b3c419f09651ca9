import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { openPool } from '../projectors/runtime/pool.ts';

// int8 sequences fit in a JS number for any realistic log; parse them as numbers? No: keep
// strings from the driver and convert where read, so nothing silently loses precision.
export function openDb(url: string, max = 10): { db: Kysely<unknown>; pool: pg.Pool } {
  // Dropping a test database ends its connections, idle or not: nothing to report then.
  const pool = openPool({ connectionString: url, max }, () => undefined);
  return { db: new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }), pool };
}
