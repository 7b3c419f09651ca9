// Admins list parked events, retry one (re-read from the log and applied alone) or skip it.
import { type Kysely, sql } from 'kysely';
import { commonErrors } from '../../contracts/errors.ts';
import type { Log } from '../../writers/log/open.ts';
import { applyIsolating, isTransient } from './apply.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';
import type { AnyProjection } from './types.ts';

export type DeadLetter = {
  id: string;
  readModel: string;
  stream: string;
  seq: number;
  subject: string;
  type: string;
  error: string;
  status: 'parked' | 'retried' | 'skipped';
  attempts: number;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
};

export async function listDeadLetters({
  db,
  readModel,
  status,
  id,
  limit = 100,
}: {
  db: Kysely<RuntimeDB>;
  id?: string;
  readModel?: string | undefined;
  status?: DeadLetter['status'] | undefined;
  limit?: number;
}): Promise<DeadLetter[]> {
  // A rebuild's new version files its letters under its own name until it switches: they are
  // no admin's to retry or skip, so they are left out.
  let q = db
    .withSchema(RUNTIME_SCHEMA)
    .selectFrom('dead_letters')
    .selectAll()
    .where('read_model', 'not like', `%${NEXT_PATTERN}`)
    .orderBy('id')
    .limit(limit);
  if (readModel) q = q.where('read_model', '=', readModel);
  if (status) q = q.where('status', '=', status);
  if (id) q = q.where('id', '=', id);
  return (await q.execute()).map((r) => ({
    id: String(r.id),
    readModel: r.read_model,
    stream: r.stream,
    seq: Number(r.seq),
    subject: r.subject,
    type: r.type,
    error: r.error,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
  }));
}

export async function countParked(db: Kysely<RuntimeDB>): Promise<Map<string, number>> {
  const rows = await db
    .withSchema(RUNTIME_SCHEMA)
    .selectFrom('dead_letters')
    .select(['read_model', (eb) => eb.fn.countAll<string>().as('n')])
    .where('status', '=', 'parked')
    .groupBy('read_model')
    .execute();
  return new Map(rows.map((r) => [r.read_model, Number(r.n)]));
}

export async function resolveDeadLetter({
  db,
  log,
  projections,
  id,
  action,
  by,
}: {
  db: Kysely<RuntimeDB>;
  log: Log;
  projections: AnyProjection[];
  id: string;
  action: 'retry' | 'skip';
  by: string;
}): Promise<DeadLetter> {
  if (!/^\d{1,18}$/.test(id)) throw commonErrors.notFound('No such dead letter.');
  await db.transaction().execute(async (tx) => {
    // The read model's checkpoint row first, as a live batch and a rebuild's switch take it:
    // a retry changes the live version, never while a switch compares or swaps it.
    const owner = await tx
      .withSchema(RUNTIME_SCHEMA)
      .selectFrom('dead_letters')
      .select('read_model')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!owner) throw commonErrors.notFound('No such dead letter.');
    await tx
      .withSchema(RUNTIME_SCHEMA)
      .selectFrom('checkpoints')
      .select('last_seq')
      .where('read_model', '=', owner.read_model)
      .forUpdate()
      .execute();
    const row = await tx
      .withSchema(RUNTIME_SCHEMA)
      .selectFrom('dead_letters')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw commonErrors.notFound('No such dead letter.');
    // A switch handed it to another name meanwhile: the lock taken above is not its read model's.
    if (row.read_model !== owner.read_model)
      throw commonErrors.conflict('A rebuild switched this read model meanwhile; look at the letter again.');
    if (row.read_model.endsWith(NEXT))
      throw commonErrors.conflict('A rebuild under way parked this event; it is resolved once it switches.');
    if (row.status !== 'parked') throw commonErrors.conflict(`This dead letter was already ${row.status}.`);
    if (action === 'retry') {
      const projection = projections.find((p) => p.name === row.read_model);
      if (!projection) throw commonErrors.notFound(`No read model ${row.read_model}.`);
      const msg = await log.jsm.direct.getMessage(row.stream, { seq: Number(row.seq) });
      if (!msg) throw commonErrors.conflict('The event is no longer in the log.');
      const parked = await applyIsolating({
        tx,
        projection,
        stream: row.stream,
        messages: [
          { seq: msg.seq, subject: msg.subject, data: msg.data, header: msg.header, time: msg.time },
        ],
        schema: projection.name,
        rebuilding: false,
      }).catch((err: unknown) => {
        // A reactor that is held, or a log or database that is away: try again shortly.
        if (!isTransient(err)) throw err;
        const unavailable = commonErrors.unavailable('This cannot be retried right now; try again shortly.');
        unavailable.cause = err;
        throw unavailable;
      });
      // Still failing: applyIsolating updated the row's error and attempts; keep it parked.
      if (parked > 0) return;
    }
    await tx
      .withSchema(RUNTIME_SCHEMA)
      .updateTable('dead_letters')
      .set({ status: action === 'retry' ? 'retried' : 'skipped', resolved_at: sql`now()`, resolved_by: by })
      .where('id', '=', id)
      .execute();
  });
  const [after] = await listDeadLetters({ db, id });
  if (!after) throw commonErrors.notFound('No such dead letter.');
  return after;
}

/** The suffix of a rebuild's new version (rebuild.ts): what it parks is filed under that name. */
const NEXT = '__next';
/** NEXT as a LIKE pattern (an underscore alone matches any character). */
const NEXT_PATTERN = '\\_\\_next';

/** Drops what a rebuild's new version parked: it did not switch, or starts over. */
export async function dropRebuiltLetters(db: Kysely<RuntimeDB>, rebuilt: string): Promise<void> {
  await db.withSchema(RUNTIME_SCHEMA).deleteFrom('dead_letters').where('read_model', '=', rebuilt).execute();
}

/**
 * At the switch, in its transaction: the new version's letters become the live name's. The old
 * version's parked events the new one applied are resolved (by the rebuild); those it parked
 * again stay parked, with its error; an event an admin already resolved stays resolved. Events
 * at or below `replayedFrom` the rebuild never read (a baseline sums them up, or they expired):
 * their letters stay as they are.
 */
export async function adoptRebuiltLetters({
  tx,
  live,
  rebuilt,
  replayedFrom,
}: {
  tx: Kysely<RuntimeDB>;
  live: string;
  rebuilt: string;
  replayedFrom: number;
}): Promise<void> {
  const letters = sql.table(`${RUNTIME_SCHEMA}.dead_letters`);
  await sql`
    UPDATE ${letters} l SET error = r.error, attempts = l.attempts + 1
    FROM ${letters} r
    WHERE l.read_model = ${live} AND r.read_model = ${rebuilt} AND r.seq = l.seq AND l.status = 'parked'`.execute(
    tx,
  );
  await sql`
    UPDATE ${letters} l
    SET status = 'retried', resolved_at = now(), resolved_by = 'rebuild'
    WHERE l.read_model = ${live} AND l.status = 'parked' AND l.seq > ${replayedFrom} AND NOT EXISTS (
      SELECT 1 FROM ${letters} r WHERE r.read_model = ${rebuilt} AND r.seq = l.seq)`.execute(tx);
  await sql`
    UPDATE ${letters} r SET read_model = ${live}
    WHERE r.read_model = ${rebuilt} AND NOT EXISTS (
      SELECT 1 FROM ${letters} l WHERE l.read_model = ${live} AND l.seq = r.seq)`.execute(tx);
  await dropRebuiltLetters(tx, rebuilt);
}
