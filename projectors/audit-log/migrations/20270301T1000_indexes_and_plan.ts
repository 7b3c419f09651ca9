import { type Kysely, sql } from 'kysely';

// Frozen. Indexes for the filters an admin uses most, and the plan the rows were built with.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Only a few streams hold refusals, and few of their events are: a page of them reads these.
  await db.schema
    .createIndex('entries_refused_by_time')
    .on('entries')
    .columns(['at desc', 'seq desc'])
    .where(sql.ref('outcome'), '=', 'refused')
    .execute();
  await db.schema
    .createIndex('entries_by_target')
    .on('entries')
    .expression(sql`target text_pattern_ops, at desc`)
    .execute();
  // q is a substring: trigrams find a rare one without walking the table. The extension is the
  // database's (public schema), so the index survives a rebuild's schema rename.
  // Two processes migrating one database at once would race to create it.
  await sql`SELECT pg_advisory_xact_lock(hashtext('hearth.pg_trgm'))`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`.execute(db);
  await db.schema
    .createIndex('entries_search_trgm')
    .on('entries')
    .using('gin')
    .expression(sql`search public.gin_trgm_ops`)
    .execute();
  // q also matches the names of whoever acted as someone: that arm of its OR needs an index too.
  await db.schema
    .createIndex('entries_by_on_behalf_of')
    .on('entries')
    .column('on_behalf_of')
    .where(sql.ref('on_behalf_of'), 'is not', null)
    .execute();
  // One row: the hash of what the rows were built with (plan.ts); a different one rebuilds them.
  await db.schema
    .createTable('plan')
    .addColumn('one', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`one`))
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plan').execute();
  for (const name of [
    'entries_by_on_behalf_of',
    'entries_search_trgm',
    'entries_by_target',
    'entries_refused_by_time',
  ])
    await db.schema.dropIndex(name).execute();
}
