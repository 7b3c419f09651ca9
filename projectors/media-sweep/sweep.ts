// Removes stored bytes that nothing on the log points at: an upload that crashed between its
// put and its append, an append whose outcome the uploader never heard, a thumbnail put that
// failed after its original's. Such keys never appear in a FileUploaded, so the release
// reactor never hears of them. Every upload the log holds is a row of media_files (a deleted
// one kept, marked), except one an admin SKIPPED as a dead letter: its blob aggregate still
// holds the key, and later uploads of those bytes reuse it. So a stored key older than the
// grace period is nobody's when it has no row AND appears in none of media_files's skipped
// events, read back from the log by sequence (a handful at most, and only in a round that
// found a candidate; the key's bytes are looked for in the event as stored, so no schema
// change, nor an event that no longer decodes, can hide one). A skipped event gone from the
// log stops the round. Only while media_files has applied the whole MEDIA stream with nothing
// parked: a lagging or stuck read model would make a live key look unreferenced.
// Each round also removes what a put that died midway left, which no key names at all (the
// store's removeLeftovers: .part files, Object Store chunks with no metadata), past the same
// grace, whatever the read model's state. One process sweeps at a time (an advisory lock on
// its own connection); the others skip that round.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Log } from '../../writers/log/open.ts';
import type { BlobStore } from '../../writers/media/blobs.ts';
import { MEDIA_FILES } from '../media-files/projection.ts';
import type { ProjectorStatus } from '../runtime/runner.ts';
import { RUNTIME_SCHEMA } from '../runtime/tables.ts';

export const MEDIA_SWEEP_LOCK = 'hearth.media.sweep';
/** Rounds at most this far apart, so bytes left behind go within a grace period and a bit. */
const MAX_EVERY_MS = 15 * 60_000;

export type SweepDeps = {
  pool: pg.Pool;
  store: Pick<BlobStore, 'list' | 'remove' | 'removeLeftovers'>;
  /** To read media_files's skipped events back by sequence. */
  log: Pick<Log, 'jsm' | 'link'>;
  /** The runner's status: media_files's position against the MEDIA stream, and its dead letters. */
  status: () => Promise<ProjectorStatus[]>;
  graceMs: number;
  logger: Logger;
};

/** leftovers: how many remains of puts that died midway went (counted apart: they have no key). */
export type SweepOutcome = ({ removed: string[] } | { skipped: string }) & { leftovers: number };

const THUMB = /\.thumb$/;

export async function sweepUnreferenced(deps: SweepDeps, now: Date = new Date()): Promise<SweepOutcome> {
  const client = await deps.pool.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      MEDIA_SWEEP_LOCK,
    ]);
    if (rows[0]?.ok !== true) return { skipped: 'another process is sweeping', leftovers: 0 };
    try {
      return await sweepLocked(deps, client, now);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MEDIA_SWEEP_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function sweepLocked(deps: SweepDeps, client: pg.PoolClient, now: Date): Promise<SweepOutcome> {
  const cutoff = now.getTime() - deps.graceMs;
  const leftovers = await deps.store.removeLeftovers(new Date(cutoff));
  if (leftovers > 0) deps.logger.info({ leftovers }, 'leftovers of unfinished media puts removed');
  const outcome = await sweepKeys(deps, client, cutoff);
  return { ...outcome, leftovers };
}

async function sweepKeys(
  deps: SweepDeps,
  client: pg.PoolClient,
  cutoff: number,
): Promise<{ removed: string[] } | { skipped: string }> {
  // Read before listing: every key old enough to be swept was appended (if ever) before this.
  const files = (await deps.status()).find((s) => s.name === MEDIA_FILES);
  if (!files) return { skipped: 'media_files is not running here' };
  if (files.lastSeq < files.streamLastSeq) return { skipped: 'media_files is behind the MEDIA stream' };
  if (files.deadLetters > 0) return { skipped: 'media_files has parked events' };

  const old = (await deps.store.list()).filter((k) => k.storedAt.getTime() <= cutoff).map((k) => k.key);
  if (old.length === 0) return { removed: [] };
  const originals = [...new Set(old.map((k) => k.replace(THUMB, '')))];
  const { rows } = await client.query<{ storage_key: string }>(
    'SELECT DISTINCT storage_key FROM media_files.files WHERE storage_key = ANY($1::text[])',
    [originals],
  );
  const referenced = new Set(rows.map((r) => r.storage_key));
  const candidates = old.filter((key) => !referenced.has(key.replace(THUMB, '')));
  if (candidates.length === 0) return { removed: [] };
  const skipped = await skippedEvents(deps, client);
  if (skipped === undefined) return { skipped: 'a skipped media_files event is no longer on the log' };
  const removed: string[] = [];
  for (const key of candidates) {
    const needle = Buffer.from(key.replace(THUMB, ''));
    if (skipped.some((event) => event.includes(needle))) continue;
    await deps.store.remove(key);
    removed.push(key);
  }
  if (removed.length > 0) deps.logger.info({ removed }, 'unreferenced media bytes removed');
  return { removed };
}

/** The stored bytes of every event media_files skipped; undefined when one is gone from the log. */
async function skippedEvents(deps: SweepDeps, client: pg.PoolClient): Promise<Buffer[] | undefined> {
  const { rows } = await client.query<{ stream: string; seq: string }>(
    `SELECT stream, seq FROM ${RUNTIME_SCHEMA}.dead_letters WHERE read_model = $1 AND status = 'skipped'`,
    [MEDIA_FILES],
  );
  const events: Buffer[] = [];
  for (const row of rows) {
    const m = await deps.log.link.reach(() =>
      deps.log.jsm.direct.getMessage(row.stream, { seq: Number(row.seq) }),
    );
    if (!m || m.seq !== Number(row.seq)) return undefined;
    events.push(Buffer.from(m.data));
  }
  return events;
}

/** Sweeps every so often (a quarter of the grace period, at most 15 min) until stopped. */
export function startMediaSweeper(deps: SweepDeps): { stop: () => Promise<void> } {
  const every = Math.min(Math.max(deps.graceMs / 4, 1000), MAX_EVERY_MS);
  let round: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    round = round.then(() =>
      sweepUnreferenced(deps).catch((err: unknown) => deps.logger.warn({ err }, 'media sweep failed')),
    );
  }, every);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await round;
    },
  };
}
