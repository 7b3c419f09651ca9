// A rebuild's reading and writing: the log read from a position up to a bound it never passes
// (the live version's checkpoint, so both can be compared at one sequence; replay-source.ts),
// and each batch written into the new version's schema.
import type { CompiledQuery, Kysely } from 'kysely';
import type { RawMessage } from '../../writers/log/decode.ts';
import { applyCareful, applyFast, decoded, isTransient } from './apply.ts';
import type { RuntimeDB } from './tables.ts';
import type { AnyProjection } from './types.ts';

export { beyondStream, type Pulled, type Replay, type ReplayMember, replayGroup } from './replay-source.ts';

/** Writes one batch into the new version's schema, the fast way when it can. */
export async function applyToVersion(input: {
  db: Kysely<RuntimeDB>;
  projection: AnyProjection;
  stream: string;
  schema: string;
  batch: RawMessage[];
}): Promise<void> {
  const { db, projection, stream, schema, batch } = input;
  const into = { projection, stream, messages: batch, schema, rebuilding: true };
  const careful = async (err: unknown) => {
    if (isTransient(err)) throw err;
    await db.transaction().execute((tx) => applyCareful({ tx, ...into }));
  };
  // One statement is atomic by itself, and a failed rebuild starts over from nothing: a
  // batch that is one statement needs no transaction around it (one round trip, not three).
  const fast = () => db.transaction().execute((tx) => applyFast({ tx, ...into }));
  const statement = oneStatement({ db, projection, stream, schema, batch });
  if (statement === undefined) await fast().catch(careful);
  else if (statement !== null)
    await db
      .executeQuery(statement)
      .catch((err: unknown) => {
        if (isTransient(err)) throw err;
        return fast(); // the statement's own fallback, as on the live path
      })
      .catch(careful);
}

function oneStatement(input: {
  db: Kysely<RuntimeDB>;
  projection: AnyProjection;
  stream: string;
  schema: string;
  batch: RawMessage[];
}): CompiledQuery | null | undefined {
  const { db, projection, stream, schema, batch } = input;
  if (!projection.batchStatement) return undefined;
  const events = [];
  for (const m of batch) {
    const e = decoded(projection.domain, stream, m);
    if (e instanceof Error) return undefined; // the careful path parks it
    events.push(e);
  }
  try {
    const targetDb = db.withSchema(schema) as unknown as Kysely<never>;
    return projection.batchStatement(events as never, { db: targetDb, schema, rebuilding: true });
  } catch {
    return undefined; // apply will say what is wrong
  }
}
