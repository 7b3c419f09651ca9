// The log keeps each stream 365 days; its audit entries go with its events. Entries below the
// stream's first retained sequence are deleted, so what the viewer shows (client addresses and
// user agents included) is never older than the log, and a rebuild gives the same rows.
import { type Kysely, sql } from 'kysely';

/** Deletes the entries of `schema` below `firstSeq`; how many went. */
export async function pruneExpired(
  db: Kysely<unknown>,
  { schema, firstSeq }: { schema: string; firstSeq: number },
): Promise<number> {
  const { numAffectedRows } =
    await sql`DELETE FROM ${sql.table(`${schema}.entries`)} WHERE seq < ${firstSeq}`.execute(db);
  return Number(numAffectedRows ?? 0);
}
