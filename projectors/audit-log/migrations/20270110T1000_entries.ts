import { type Kysely, sql } from 'kysely';

// Frozen. The audit log of one stream: one row per event, keyed by its stream sequence. The
// same table in every stream's schema (audit_log_<domain>); the routes read them as one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('entries')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('on_behalf_of', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('client_ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    // What q is matched against (case-insensitive substring); names are joined at query time.
    .addColumn('search', 'text', (c) =>
      c
        .generatedAlwaysAs(
          sql`lower(action || ' ' || target || ' ' || coalesce(actor_id, '') || ' ' || coalesce(on_behalf_of, '') || ' ' || coalesce(client_ip, '') || ' ' || coalesce(user_agent, '') || ' ' || details::text)`,
        )
        .stored(),
    )
    .execute();
  // Newest first, and the keyset (at, seq) the pages continue from.
  await db.schema.createIndex('entries_by_time').on('entries').columns(['at desc', 'seq desc']).execute();
  await db.schema.createIndex('entries_by_actor').on('entries').columns(['actor_id', 'at desc']).execute();
  await db.schema
    .createIndex('entries_by_action')
    .on('entries')
    .expression(sql`action text_pattern_ops, at desc`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('entries').execute();
}
