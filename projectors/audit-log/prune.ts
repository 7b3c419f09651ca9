// The log keeps each stream 365 days; its audit entries go with its events. Entries below the
// stream's first retained sequence are deleted, so what the viewer shows (client addresses and
// user agents included) is never older than the log, and a rebuild gives the same rows.
import { type Kysely, sql } from 'kysely';
import { RUNTIME_SCHEMA } from '../runtime/tables.ts';

/**
 * Deletes the entries of `schema` below `firstSeq`; how many went. Holds the read model's
 * checkpoint row meanwhile, as a live batch does, so a rebuild's verified switch (which holds
 * it too) never compares or swaps while entries are going.
 */
export async function pruneExpired(
  db: Kysely<unknown>,
  { schema, firstSeq }: { schema: string; firstSeq: number },
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT 1 FROM ${sql.table(`${RUNTIME_SCHEMA}.checkpoints`)} WHERE read_model = ${schema} FOR UPDATE`.execute(
      tx,
    );
    const { numAffectedRows } =
      await sql`DELETE FROM ${sql.table(`${schema}.entries`)} WHERE seq < ${firstSeq}`.execute(tx);
    return Number(numAffectedRows ?? 0);
  });
}
