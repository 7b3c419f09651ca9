import { type Kysely, sql } from 'kysely';

// Frozen. Lineage: each row keeps the sequence of the last event that touched it. A live
// photo's is its upload, and a run's item, while none of its photos was deleted, its latest
// upload; a deletion's sequence is unknown: 0 until a rebuild fills it in.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['photos', 'items'])
    await db.schema
      .alterTable(table)
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  // The builder, not raw SQL: the migrator's schema applies to it.
  const typed = db as Kysely<{
    photos: { run_id: string; seq: string; deleted: boolean; last_seq: string };
    items: { id: string; last_seq: string };
  }>;
  await typed
    .updateTable('photos')
    .set({ last_seq: sql<string>`seq` })
    .where('deleted', '=', false)
    .execute();
  await typed
    .updateTable('items')
    .set((eb) => ({
      last_seq: eb.fn.coalesce(
        eb
          .selectFrom('photos')
          .select((s) => s.fn.max('photos.seq').as('seq'))
          .whereRef('photos.run_id', '=', 'items.id'),
        sql<string>`0`,
      ),
    }))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('photos')
            .select('photos.run_id')
            .whereRef('photos.run_id', '=', 'items.id')
            .where('photos.deleted', '=', true),
        ),
      ),
    )
    .execute();
}
