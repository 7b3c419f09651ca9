// Removes stored bytes that nothing on the log points at: an upload that crashed between its
// put and its append, an append whose outcome the uploader never heard, a thumbnail put that
// failed after its original's. Such keys never appear in a FileUploaded, so the release
// reactor never hears of them. Every upload the log holds is a row of media_files (a deleted
// one kept, marked), so a stored key older than the grace period with no row is nobody's. Only
// while media_files has applied the whole MEDIA stream with nothing parked: a lagging or stuck
// read model would make a live key look unreferenced. One process sweeps at a time (an
// advisory lock on its own connection); the others skip that round.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { BlobStore } from '../../writers/media/blobs.ts';
import { MEDIA_FILES } from '../media-files/projection.ts';
import type { ProjectorStatus } from '../runtime/runner.ts';

export const MEDIA_SWEEP_LOCK = 'hearth.media.sweep';
/** Rounds at most this far apart, so bytes left behind go within a grace period and a bit. */
const MAX_EVERY_MS = 15 * 60_000;

export type SweepDeps = {
  pool: pg.Pool;
  store: Pick<BlobStore, 'list' | 'remove'>;
  /** The runner's status: media_files's position against the MEDIA stream, and its dead letters. */
  status: () => Promise<ProjectorStatus[]>;
  graceMs: number;
  logger: Logger;
};

export type SweepOutcome = { removed: string[] } | { skipped: string };

const THUMB = /\.thumb$/;

export async function sweepUnreferenced(deps: SweepDeps, now: Date = new Date()): Promise<SweepOutcome> {
  const client = await deps.pool.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      MEDIA_SWEEP_LOCK,
    ]);
    if (rows[0]?.ok !== true) return { skipped: 'another process is sweeping' };
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
  // Read before listing: every key old enough to be swept was appended (if ever) before this.
  const files = (await deps.status()).find((s) => s.name === MEDIA_FILES);
  if (!files) return { skipped: 'media_files is not running here' };
  if (files.lastSeq < files.streamLastSeq) return { skipped: 'media_files is behind the MEDIA stream' };
  if (files.deadLetters > 0) return { skipped: 'media_files has parked events' };

  const cutoff = now.getTime() - deps.graceMs;
  const old = (await deps.store.list()).filter((k) => k.storedAt.getTime() <= cutoff).map((k) => k.key);
  if (old.length === 0) return { removed: [] };
  const originals = [...new Set(old.map((k) => k.replace(THUMB, '')))];
  const { rows } = await client.query<{ storage_key: string }>(
    'SELECT DISTINCT storage_key FROM media_files.files WHERE storage_key = ANY($1::text[])',
    [originals],
  );
  const referenced = new Set(rows.map((r) => r.storage_key));
  const removed: string[] = [];
  for (const key of old) {
    if (referenced.has(key.replace(THUMB, ''))) continue;
    await deps.store.remove(key);
    removed.push(key);
  }
  if (removed.length > 0) deps.logger.info({ removed }, 'unreferenced media bytes removed');
  return { removed };
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
