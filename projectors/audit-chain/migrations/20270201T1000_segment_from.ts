import { type Kysely, sql } from 'kysely';

// Frozen. Where the chain's current unbroken run of a stream begins: 1, or the first retained
// sequence when events expired before they were chained and the chain began again from the
// zero link there (a checkpoint's range never reaches before it). And when the stream the
// chain follows was made (NATS's `created`): a stream made again is not the one chained.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('positions')
    .addColumn('segment_from', 'bigint', (c) => c.notNull().defaultTo(sql`1`))
    .addColumn('stream_created', 'text')
    .execute();
}
