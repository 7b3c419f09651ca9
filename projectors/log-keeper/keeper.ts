// The log keeper: one per deployment (an advisory lock on its own connection, like the media
// sweeper's), every so often. Nothing a family sees may leave with the events that expire
// after the streams' retention: each round keeps the aggregates of every stream's due events
// (aggregates.ts), then gives each rebuildable read model on that stream a new baseline once
// the first event after its newest one is due (projectors/runtime/baseline.ts). Reactors and
// read models that cannot be rebuilt beside themselves need none: nothing rebuilds them.
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import type { Log } from '../../writers/log/open.ts';
import { type Baseline, listBaselines, refreshAfterErasure, takeBaseline } from '../runtime/baseline.ts';
import { migrateSchema } from '../runtime/migrate.ts';
import type { Projector } from '../runtime/types.ts';
import { keepStream, type StreamKept } from './aggregates.ts';
import { aggregateTypes } from './registry.ts';
import { LOG_KEEPER_SCHEMA, type LogKeeperDB, logKeeperMigrations } from './tables.ts';

export const LOG_KEEPER_LOCK = 'hearth.log.keeper';

export type KeeperDeps = {
  log: Log;
  pool: pg.Pool;
  db: Kysely<unknown>;
  /** Every read model and reactor the hub runs; the rebuildable read models get baselines. */
  projections: Projector[];
  /** Events older than retention − margin are due: kept while a margin of time remains. */
  marginMs: number;
  logger: Logger;
  /** Tests stop a round between a batch's snapshots and its saved position. */
  onBatch?: (domain: Domain, seq: number) => Promise<void> | void;
};

export type KeepOutcome =
  | { skipped: string }
  | { streams: StreamKept[]; baselines: { readModel: string; checkpoint: number }[] };

export const migrateKeeper = (db: Kysely<unknown>) =>
  migrateSchema({ db, schema: LOG_KEEPER_SCHEMA, migrations: logKeeperMigrations });

/** Read models that a rebuild replays beside themselves: reactors and the rest need no baseline. */
export const baselined = (projections: Projector[]) =>
  projections.filter((p) => 'apply' in p && p.rebuildable !== false && p.retainedOnly !== true);

export async function keepRound(deps: KeeperDeps, now: Date = new Date()): Promise<KeepOutcome> {
  const client = await deps.pool.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      LOG_KEEPER_LOCK,
    ]);
    if (rows[0]?.ok !== true) return { skipped: 'another process is keeping the log' };
    try {
      return await keepLocked(deps, now);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOG_KEEPER_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function keepLocked(deps: KeeperDeps, now: Date): Promise<KeepOutcome> {
  const { log, db } = deps;
  const types = aggregateTypes(log.names);
  const dueBefore = new Date(now.getTime() - Math.max(log.retentionMs - deps.marginMs, 0));
  const streams: StreamKept[] = [];
  const baselines: { readModel: string; checkpoint: number }[] = [];
  for (const domain of DOMAINS) {
    const kept = await keepStream({
      log,
      db: db as Kysely<LogKeeperDB>,
      types,
      domain,
      dueBefore,
      ...(deps.onBatch ? { onBatch: (seq: number) => deps.onBatch?.(domain, seq) } : {}),
    });
    if (kept.missed) deps.logger.warn({ stream: kept.stream, missed: kept.missed }, 'events expired unkept');
    streams.push(kept);
    for (const model of baselined(deps.projections).filter((p) => p.domain === domain)) {
      // A member erased since a copy was taken: that copy goes (ARCHITECTURE.md, "Erasure").
      const fresh = await refreshAfterErasure(db, model.name, domain);
      if (fresh) baselines.push({ readModel: model.name, checkpoint: fresh.checkpoint });
      const newest: Baseline | undefined = (await listBaselines(db, model.name))[0];
      // The event after the newest copy's checkpoint is due: a newer copy is needed before it expires.
      if (kept.seq <= (newest?.checkpoint ?? 0)) continue;
      const taken = await takeBaseline(db, model.name);
      if (!taken || taken.checkpoint <= (newest?.checkpoint ?? 0)) continue;
      if (taken.checkpoint < kept.seq) {
        deps.logger.warn(
          { readModel: model.name, checkpoint: taken.checkpoint },
          'baseline taken behind the due events',
        );
      }
      baselines.push({ readModel: model.name, checkpoint: taken.checkpoint });
    }
  }
  return { streams, baselines };
}

/** Keeps every `intervalMs` until stopped; a round that fails is logged and tried again next time. */
export function startLogKeeper(deps: KeeperDeps & { intervalMs: number }): { stop: () => Promise<void> } {
  let round: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    round = round.then(() =>
      keepRound(deps).catch((err: unknown) => deps.logger.warn({ err }, 'log keeping failed')),
    );
  }, deps.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await round;
    },
  };
}
