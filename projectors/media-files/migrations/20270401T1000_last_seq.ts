import { type Kysely, sql } from 'kysely';

// Frozen. Lineage: each row keeps the sequence of the last event that touched it. A file's upload or its deletion,
// both kept, so every row has it.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['files'])
    await db.schema
      .alterTable(table)
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  // The builder, not raw SQL: the migrator's schema applies to it.
  await (db as Kysely<{ files: { seq: string; deleted_seq: string | null; last_seq: string } }>)
    .updateTable('files')
    .set({ last_seq: sql<string>`greatest(seq, coalesce(deleted_seq, 0))` })
    .execute();
}
