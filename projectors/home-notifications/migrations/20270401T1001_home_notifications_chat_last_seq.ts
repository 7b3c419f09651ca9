import type { Kysely } from 'kysely';

// Frozen. Lineage: each row keeps the sequence of the last event that touched it. The column
// only is added, with a constant default (metadata only on Postgres 11+, no table rewrite, no
// long lock): rows from before, and rows a worker of the previous release writes during a
// rolling deploy, hold 0, which means unknown until a rebuild fills it in. Verify does not count
// a live 0 against a rebuilt sequence (verify.ts), so a rebuild fills them in without a difference.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['channels', 'members', 'notifications'])
    await db.schema
      .alterTable(table)
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
}
