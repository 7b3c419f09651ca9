// A rebuild's reading and writing: the log read from a position up to a bound it never passes
// (the live version's checkpoint, so both can be compared at one sequence), and each batch
// written into the new version's schema.
import { DeliverPolicy } from '@nats-io/jetstream';
import type { CompiledQuery, Kysely } from 'kysely';
import { commonErrors } from '../../contracts/errors.ts';
import { type RawMessage, toRaw } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { applyCareful, applyFast, decoded, isTransient } from './apply.ts';
import type { RuntimeDB } from './tables.ts';
import type { AnyProjection } from './types.ts';

export type Pulled = {
  batch: RawMessage[];
  /** True when nothing more at or below the bound is left to read. */
  done: boolean;
};

export type Replay = {
  /** The next events at or below `upTo`, decoded ahead; one pull at a time. */
  pull: (upTo: number) => Promise<Pulled>;
};

/** The live checkpoint is past the stream's end: the rebuild fails instead of waiting forever. */
export const beyondStream = (readModel: string, checkpoint: number, last: number) =>
  commonErrors.invalidRequest(
    `Read model ${readModel} stands at sequence ${checkpoint}, past the last one its stream holds (${last}): ` +
      'the stream was restored or recreated, so no replay can reach it.',
  );

export async function openReplay(input: {
  log: Log;
  projection: AnyProjection;
  from: number;
  batchSize: number;
}): Promise<Replay> {
  const { log, projection, from, batchSize } = input;
  const stream = log.names.stream(projection.domain);
  const info = await log.jsm.streams.info(stream);
  // No filter when it is all the stream holds: nats-server 2.9 walks every subject of the
  // stream for a filtered consumer's pending count (see ensureConsumer in worker.ts).
  const filter = log.names.domainFilter(projection.domain);
  const { subjects = [] } = info.config;
  const whole = subjects.length === 1 && subjects[0] === filter;
  const consumer = await log.js.consumers.get(stream, {
    ...(whole ? {} : { filter_subjects: filter }),
    ...(from === 0
      ? { deliver_policy: DeliverPolicy.All }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from + 1 }),
  });
  // The highest sequence fetched so far, and what was fetched past the bound of its pull.
  let fetched = from;
  // Nothing left to read below the bound. Sequences up to it that never come are other
  // subjects' or expired, unless the stream ends before the bound: the live checkpoint is past
  // what the stream holds (a stream restored or recreated), and no replay can reach it.
  const exhausted = async (upTo: number): Promise<Pulled> => {
    const last = (await log.jsm.streams.info(stream)).state.last_seq;
    if (last < upTo) throw beyondStream(projection.name, upTo, last);
    fetched = upTo;
    return { batch: [], done: true };
  };
  const held: RawMessage[] = [];
  const pull = async (upTo: number): Promise<Pulled> => {
    if (held.length > 0) {
      const past = held.findIndex((m) => m.seq > upTo);
      const batch = past === -1 ? held.splice(0) : held.splice(0, past);
      return { batch, done: past !== -1 };
    }
    if (fetched >= upTo) return { batch: [], done: true };
    // Asking for no more than remains lets the last fetch return at once instead of expiring.
    let max = Math.max(1, Math.min(batchSize, upTo - fetched));
    // On the last stretch the sequences left overcount the messages (expired ones, other
    // subjects'): the consumer says how many there are, so the fetch ends when they are in.
    if (upTo - fetched <= batchSize) {
      const pending = (await consumer.info()).num_pending;
      if (pending === 0) return exhausted(upTo);
      max = Math.min(max, pending);
    }
    const out: RawMessage[] = [];
    const iter = await consumer.fetch({ max_messages: max, expires: 1000 });
    for await (const m of iter) out.push(toRaw(m));
    // Nothing came: either nothing is left to read (then the bound must be within the stream)
    // or the fetch expired first (the caller tries again, and may be cancelled meanwhile).
    if (out.length === 0 && (await consumer.info()).num_pending === 0) return exhausted(upTo);
    if (out.length > 0) fetched = (out.at(-1) as RawMessage).seq;
    // Another subject's sequences may make the fetch reach past the bound: those wait.
    const past = out.findIndex((m) => m.seq > upTo);
    if (past !== -1) held.push(...out.splice(past));
    for (const m of out) decoded(projection.domain, stream, m);
    return { batch: out, done: past !== -1 || fetched >= upTo };
  };
  return { pull };
}

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
