// Rows by key on real Postgres: paged in key order, and one found by its key. (The registry
// itself is held to the hub's read models' tables in edge/admin/lineage.e2e.test.ts, where the
// hub's list of projections is.)
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../test/db.ts';
import { testDatabase } from '../../test/services.ts';
import { homeNotificationsProjection } from '../home-notifications/projection.ts';
import { findRow, pageRows } from './lineage.ts';
import { migrateSchema } from './migrate.ts';

let db: Kysely<unknown>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const database = await testDatabase();
  db = openDb(database.url).db;
  cleanup = async () => {
    await db.destroy();
    await database.cleanup();
  };
  const p = homeNotificationsProjection;
  await migrateSchema({ db, schema: p.name, migrations: p.migrations });
});
afterAll(() => cleanup?.());

describe('rows by key', () => {
  it('pages in key order, and finds one row by its key', async () => {
    const spec = { key: ['member_id', 'notification_id'], seq: 'last_seq' } as const;
    await sql`INSERT INTO home_notifications.reads (member_id, notification_id, last_seq)
      VALUES ('b', 'n1', 7), ('a', 'n2', 5), ('a', 'n1', 3)`.execute(db);
    const at = { db, schema: 'home_notifications', table: 'reads', spec };
    const first = await pageRows({ ...at, limit: 2 });
    expect(first).toEqual({
      rows: [
        { key: ['a', 'n1'], lastSeq: 3 },
        { key: ['a', 'n2'], lastSeq: 5 },
      ],
      next: ['a', 'n2'],
    });
    expect(await pageRows({ ...at, limit: 2, after: first.next ?? [] })).toEqual({
      rows: [{ key: ['b', 'n1'], lastSeq: 7 }],
      next: null,
    });
    expect(await findRow({ ...at, key: ['b', 'n1'] })).toEqual({ key: ['b', 'n1'], lastSeq: 7 });
    expect(await findRow({ ...at, key: ['b', 'n2'] })).toBeUndefined();
  });
});
