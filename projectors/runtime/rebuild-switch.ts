// The verified switch, in one transaction that holds the read model's checkpoint row: every
// live batch takes that lock first (apply.ts beginBatch), so the live version stands still at
// its checkpoint while the new one catches up to exactly there, the two are compared, and the
// new one takes the live name, or does not.
import { type Kysely, sql } from 'kysely';
import type { RebuildVerification } from '../../contracts/admin.api.ts';
import { commonErrors } from '../../contracts/errors.ts';
import type { RawMessage } from '../../writers/log/decode.ts';
import { applyIsolating } from './apply.ts';
import { adoptRebuiltLetters } from './dead-letters.ts';
import type { Replay } from './rebuild-replay.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';
import type { AnyProjection } from './types.ts';
import { compareVersions } from './verify.ts';

/** Empty pulls in a row (each a fetch that expired) after which the switch gives up. */
const EMPTY_PULLS = 5;

export type SwitchOutcome =
  | { kind: 'switched'; verification: RebuildVerification }
  | { kind: 'mismatch'; verification: RebuildVerification }
  | { kind: 'cancelled' };

export async function switchVerified(input: {
  db: Kysely<RuntimeDB>;
  projection: AnyProjection;
  stream: string;
  target: string;
  replay: Replay;
  /** Where the replay began: the letters of events at or below it are not the rebuild's to resolve. */
  replayedFrom: number;
  acceptDifferences: boolean;
  signal: AbortSignal | undefined;
  onApplied: (batch: RawMessage[]) => void;
}): Promise<SwitchOutcome> {
  const { db, projection, stream, target, replay, replayedFrom, acceptDifferences, signal, onApplied } =
    input;
  const name = projection.name;
  return db.transaction().execute(async (tx) => {
    const runtime = tx.withSchema(RUNTIME_SCHEMA);
    const checkpoint = await runtime
      .selectFrom('checkpoints')
      .select('last_seq')
      .where('read_model', '=', name)
      .forUpdate()
      .executeTakeFirstOrThrow();
    // A cancel asked from now on waits for this transaction, then finds nothing running.
    const row = await runtime
      .selectFrom('rebuilds')
      .select('cancel_requested_at')
      .where('read_model', '=', name)
      .forUpdate()
      .executeTakeFirst();
    if (row?.cancel_requested_at || signal?.aborted) return { kind: 'cancelled' };
    await runtime
      .updateTable('rebuilds')
      .set({ status: 'switching' })
      .where('read_model', '=', name)
      .execute();

    const atSeq = Number(checkpoint.last_seq);
    // The live worker waits on this lock: a replay that keeps coming back empty gives up
    // rather than hold it (the pull itself fails when the stream ends before `atSeq`).
    for (let empty = 0; ; ) {
      const { batch, done } = await replay.pull(atSeq, { hurry: true });
      if (batch.length > 0) {
        await applyIsolating({ tx, projection, stream, messages: batch, schema: target, rebuilding: true });
        onApplied(batch);
        empty = 0;
      } else if (!done && ++empty >= EMPTY_PULLS) {
        throw commonErrors.unavailable(
          `The log gave nothing for ${name} up to sequence ${atSeq}; the rebuild stops rather than hold the live worker.`,
        );
      }
      if (done) break;
      if (signal?.aborted) return { kind: 'cancelled' };
    }
    const found = await compareVersions({
      db: tx as unknown as Kysely<unknown>,
      live: name,
      rebuilt: target,
      atSeq,
      ...(projection.unverified ? { unverified: projection.unverified } : {}),
      ...(projection.lineage ? { lineage: projection.lineage } : {}),
    });
    const switching = found.equal || acceptDifferences;
    const verification = { ...found, accepted: !found.equal && acceptDifferences };
    await runtime
      .updateTable('rebuilds')
      .set({ verification: JSON.stringify(verification) })
      .where('read_model', '=', name)
      .execute();
    if (!switching) return { kind: 'mismatch', verification };
    await sql`DROP SCHEMA ${sql.id(name)} CASCADE`.execute(tx);
    await sql`ALTER SCHEMA ${sql.id(target)} RENAME TO ${sql.id(name)}`.execute(tx);
    await adoptRebuiltLetters({ tx, live: name, rebuilt: target, replayedFrom });
    await runtime
      .updateTable('checkpoints')
      .set({ updated_at: sql`now()` })
      .where('read_model', '=', name)
      .execute();
    return { kind: 'switched', verification };
  });
}
