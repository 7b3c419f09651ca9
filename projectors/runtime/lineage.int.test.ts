// The lineage registry against the tables the migrations make, on real Postgres: every table a
// read model has is declared (or named here as made by no event), its key is the table's
// primary key, and its sequence column is a bigint that is never null. A table added without
// its lineage fails here.
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAINS } from '../../contracts/subjects.ts';
import { openDb } from '../../test/db.ts';
import { testDatabase } from '../../test/services.ts';
import { auditLogProjection } from '../audit-log/projection.ts';
import { chatChannelsProjection } from '../chat-channels/projection.ts';
import { chatMessagesProjection } from '../chat-messages/projection.ts';
import { homeFeedIdentity } from '../home-feed/identity.ts';
import { homeFeedMedia } from '../home-feed/media.ts';
import { homeFeedProjection } from '../home-feed/projection.ts';
import { homeNotificationsChat } from '../home-notifications/chat.ts';
import { homeNotificationsProjection } from '../home-notifications/projection.ts';
import { identityFamilyProjection } from '../identity-family/projection.ts';
import { identityInvitesProjection } from '../identity-invites/projection.ts';
import { identityKeysProjection } from '../identity-keys/projection.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import { mediaFilesProjection } from '../media-files/projection.ts';
import { playActivityMediaProjection } from '../play-activity/media.ts';
import { playActivityProjection } from '../play-activity/projection.ts';
import { playRecordsProjection } from '../play-records/projection.ts';
import { preferencesMembersProjection } from '../preferences-members/projection.ts';
import { findRow, pageRows } from './lineage.ts';
import { migrateSchema } from './migrate.ts';
import type { AnyProjection } from './types.ts';

const READ_MODELS = [
  identityUsersProjection,
  identityFamilyProjection,
  identityInvitesProjection,
  identityKeysProjection,
  chatChannelsProjection,
  chatMessagesProjection,
  playRecordsProjection,
  playActivityProjection,
  playActivityMediaProjection,
  homeFeedProjection,
  homeFeedIdentity,
  homeFeedMedia,
  homeNotificationsProjection,
  homeNotificationsChat,
  mediaFilesProjection,
  preferencesMembersProjection,
  ...DOMAINS.map(auditLogProjection),
] as unknown as AnyProjection[];

/** Tables no event makes: the audit log's plan is the code's. */
const NOT_EVENT_MADE: Record<string, string[]> = Object.fromEntries(
  DOMAINS.map((d) => [`audit_log_${d}`, ['plan']]),
);

let db: Kysely<unknown>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const database = await testDatabase();
  db = openDb(database.url).db;
  cleanup = async () => {
    await db.destroy();
    await database.cleanup();
  };
  for (const p of READ_MODELS) await migrateSchema({ db, schema: p.name, migrations: p.migrations });
});
afterAll(() => cleanup?.());

async function tablesOf(schema: string): Promise<string[]> {
  const { rows } = await sql<{ t: string }>`
    SELECT tablename AS t FROM pg_tables WHERE schemaname = ${schema} AND tablename NOT LIKE 'kysely\\_%'
    ORDER BY 1`.execute(db);
  return rows.map((r) => r.t);
}

async function primaryKey(schema: string, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT a.attname AS name FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
    WHERE i.indrelid = ${`"${schema}"."${table}"`}::regclass AND i.indisprimary
    ORDER BY array_position(i.indkey::int2[], a.attnum)`.execute(db);
  return rows.map((r) => r.name);
}

async function column(schema: string, table: string, name: string) {
  const { rows } = await sql<{ type: string; nullable: string }>`
    SELECT data_type AS type, is_nullable AS nullable FROM information_schema.columns
    WHERE table_schema = ${schema} AND table_name = ${table} AND column_name = ${name}`.execute(db);
  return rows[0];
}

describe('every read model’s lineage', () => {
  it.each(READ_MODELS.map((p) => [p.name, p]))('%s declares each event-made table', async (name, p) => {
    const declared = Object.keys(p.lineage ?? {}).sort();
    const made = (await tablesOf(name)).filter((t) => !(NOT_EVENT_MADE[name] ?? []).includes(t));
    expect(declared).toEqual(made);
    for (const [table, spec] of Object.entries(p.lineage ?? {})) {
      expect(await primaryKey(name, table), `${name}.${table}`).toEqual([...spec.key]);
      expect(await column(name, table, spec.seq), `${name}.${table}.${spec.seq}`).toEqual({
        type: 'bigint',
        nullable: 'NO',
      });
    }
  });
});

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
