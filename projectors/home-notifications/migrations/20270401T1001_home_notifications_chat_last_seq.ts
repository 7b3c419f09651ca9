import type { Kysely } from 'kysely';

// Frozen. Lineage: each row keeps the sequence of the last event that touched it (a notice's
// post, or an edit since). Rows from before keep 0, unknown until a rebuild fills them in (it
// reports that as a difference to accept once).
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['channels', 'members', 'notifications'])
    await db.schema
      .alterTable(table)
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
}
