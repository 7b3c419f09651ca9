// Keeps every aggregate's state before its oldest events can expire. From where it stopped,
// it walks one stream up to its last event older than retention − margin ("due"), collects
// their subjects, and writes each one's snapshot at the subject's current last sequence,
// folded as the appender folds it. Its position moves only after the snapshots of every
// subject below it are written, so a crash costs a repeated walk, never a missed subject.
import type { Kysely } from 'kysely';
import type { Domain } from '../../contracts/subjects.ts';
import { readRaw } from '../../writers/audit/read-raw.ts';
import { streamSeq } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { readSnapshot, writeSnapshot } from '../../writers/log/snapshot.ts';
import { type Kept, typeOfSubject } from './registry.ts';
import { LOG_KEEPER_SCHEMA, type LogKeeperDB } from './tables.ts';

export type StreamKept = {
  stream: string;
  /** The position after this round: every aggregate with an event at or below it is kept. */
  seq: number;
  snapshots: number;
  /** Events that expired before they were kept (a keeper that did not run in time), else 0. */
  missed: number;
};

const BATCH = 500;

export async function keptPosition(db: Kysely<LogKeeperDB>, stream: string): Promise<number> {
  const row = await db
    .withSchema(LOG_KEEPER_SCHEMA)
    .selectFrom('positions')
    .select('seq')
    .where('stream', '=', stream)
    .executeTakeFirst();
  return row ? Number(row.seq) : 0;
}

async function savePosition(db: Kysely<LogKeeperDB>, stream: string, seq: number): Promise<void> {
  await db
    .withSchema(LOG_KEEPER_SCHEMA)
    .insertInto('positions')
    .values({ stream, seq, at: new Date() })
    .onConflict((oc) => oc.column('stream').doUpdateSet({ seq, at: new Date() }))
    .execute();
}

/** Writes the subject's snapshot at its current last sequence, unless a newer one is kept. */
async function keepSubject(log: Log, type: Kept, subject: string): Promise<boolean> {
  const folded = await type.fold(log, subject);
  if (folded.seq === 0) return false;
  const current = await log.link.reach(() => readSnapshot(log.snapshots, subject));
  if (current && current.seq >= folded.seq) return false;
  // What the snapshot keeps: never personal data, which must leave with its member's key.
  const state = type.keep(folded.state);
  await log.link.reach(() => writeSnapshot(log.snapshots, subject, { seq: folded.seq, state }));
  return true;
}

export async function keepStream({
  log,
  db,
  types,
  domain,
  dueBefore,
  onBatch,
}: {
  log: Log;
  db: Kysely<LogKeeperDB>;
  types: Kept[];
  domain: Domain;
  /** Events stored before this time are due: kept now, well before they expire. */
  dueBefore: Date;
  /** Tests stop a round here, between a batch's snapshots and its saved position. */
  onBatch?: (seq: number) => Promise<void> | void;
}): Promise<StreamKept> {
  const stream = log.names.stream(domain);
  let position = await keptPosition(db, stream);
  let snapshots = 0;
  const info = await log.link.reach(() => log.jsm.streams.info(stream));
  const missed = Math.max(info.state.first_seq - 1 - position, 0);
  if (missed > 0) {
    // Gone before they were kept (told once): the walk goes on from what is left.
    position = info.state.first_seq - 1;
    await savePosition(db, stream, position);
  }
  const from = position + 1;
  if (from > info.state.last_seq) return { stream, seq: position, snapshots, missed };
  let reached = false;
  for await (const batch of readRaw({
    js: log.js,
    jsm: log.jsm,
    stream,
    fromSeq: from,
    toSeq: info.state.last_seq,
    batch: BATCH,
  })) {
    const subjects = new Map<string, Kept>();
    let upTo = position;
    for (const m of batch) {
      if (m.time.getTime() >= dueBefore.getTime()) {
        reached = true;
        break;
      }
      upTo = streamSeq(m);
      const type = typeOfSubject(types, m.subject);
      if (type?.stateful) subjects.set(m.subject, type);
    }
    for (const [subject, type] of subjects) if (await keepSubject(log, type, subject)) snapshots++;
    if (upTo > position) {
      await onBatch?.(upTo);
      await savePosition(db, stream, upTo);
      position = upTo;
    }
    if (reached) break;
  }
  return { stream, seq: position, snapshots, missed };
}
