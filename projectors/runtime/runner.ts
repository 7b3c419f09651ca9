// Owns the read models' lifecycle: migrations, one leader-elected worker per read model or
// reactor, read-your-writes waits, positions, status, rebuilds and dead letters.
import { EventEmitter, setMaxListeners } from 'node:events';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { commonErrors } from '../../contracts/errors.ts';
import { toUnavailable } from '../../writers/log/link.ts';
import type { Log } from '../../writers/log/open.ts';
import { consumerName } from './consumer.ts';
import { countParked, dropRebuiltLetters, listDeadLetters, resolveDeadLetter } from './dead-letters.ts';
import { workWhileLeading } from './held-worker.ts';
import { leaderLocks } from './leader-locks.ts';
import { refuseLogBehind } from './log-behind.ts';
import { migrateSchema } from './migrate.ts';
import { RENAMED } from './migrations/20261206T2100_read_model_names.ts';
import { isReactor, reactorProjection } from './reactor.ts';
import { type RebuildProgress, rebuildStatus, requestCancel } from './rebuild.ts';
import { lockKey } from './rebuild-status.ts';
import { runnerRebuilds } from './runner-rebuilds.ts';
import type { ProjectorRunner, ProjectorStatus } from './runner-types.ts';
import { sleep } from './sleep.ts';
import { RUNTIME_SCHEMA, type RuntimeDB, runtimeMigrations } from './tables.ts';
import type { AnyProjection, Projector } from './types.ts';
import { runWorker } from './worker.ts';

/** How long a status read for a scrape or /ready is shared with the next asker. */
const RECENT_STATUS_MS = 2000;

export type { ProjectorRunner, ProjectorStatus } from './runner-types.ts';

export function createProjectorRunner({
  db,
  pool,
  log,
  projections: projectors,
  logger,
  batchSize = 500,
  ackWaitMs = 30_000,
  lingerMs = 0,
  afterCommit,
  onRebuildProgress,
}: {
  db: Kysely<unknown>;
  pool: pg.Pool;
  log: Log;
  /** Read models and reactors. */
  projections: Projector[];
  logger: Logger;
  batchSize?: number;
  ackWaitMs?: number;
  /** How long a partial batch may wait behind the previous one (worker.ts). */
  lingerMs?: number;
  afterCommit?: (name: string, lastSeq: number) => void;
  /** Every rebuild's progress, whoever started it (the hub's metrics). */
  onRebuildProgress?: (p: RebuildProgress) => void;
}): ProjectorRunner {
  const rdb = db as unknown as Kysely<RuntimeDB>;
  const applied = new EventEmitter().setMaxListeners(0);
  const reached = new Map<string, number>();
  const leaders = new Set<string>();
  const consuming = new Set<string>();
  const controller = new AbortController();
  // Every worker listens to this one signal (its leadership and its sleeps): as many
  // listeners as there are read models and reactors, which is no leak.
  setMaxListeners(4 * projectors.length + 10, controller.signal);
  const running: Promise<void>[] = [];
  const reactorNames = new Set(projectors.filter(isReactor).map((p) => p.name));
  // A reactor runs as a projection with no tables (reactor.ts), lent this runner's waits.
  const projections = projectors.map((p) =>
    isReactor(p)
      ? reactorProjection(p, {
          log,
          logger,
          onStream: projectors
            .filter((q) => !isReactor(q) && q.domain === p.domain && p.reads.includes(q.name))
            .map((q) => q.name),
          waitFor: (name, seq, timeoutMs) => waitFor(name, seq, timeoutMs),
        })
      : p,
  );

  const reactors = new Set(projectors.filter(isReactor).map((p) => p.name));

  const find = (name: string) => {
    const p = projections.find((x) => x.name === name);
    if (!p) throw commonErrors.notFound(`No read model named ${name}.`);
    return p;
  };

  async function migrate() {
    await migrateSchema({ db, schema: RUNTIME_SCHEMA, migrations: runtimeMigrations });
    // The durable consumers of read models since renamed follow nothing any more.
    for (const [from, , domain] of RENAMED)
      await log.jsm.consumers.delete(log.names.stream(domain), `rm_${from}`).catch(() => undefined);
    for (const p of projections) {
      await dropStrayVersion(p.name);
      await migrateSchema({ db, schema: p.name, migrations: p.migrations });
      const stream = log.names.stream(p.domain);
      const start = p.startAt === 'end' ? (await log.jsm.streams.info(stream)).state.last_seq : 0;
      await rdb
        .withSchema(RUNTIME_SCHEMA)
        .insertInto('checkpoints')
        .values({ read_model: p.name, stream, last_seq: start })
        .onConflict((oc) => oc.column('read_model').doNothing())
        .execute();
    }
    await refuseLogBehind({ db: rdb, log, projections });
  }

  /**
   * A new version left beside the live one by a rebuild whose process died. Dropped only under
   * the rebuild's own lock, so never one that a live rebuild in any process is writing.
   */
  async function dropStrayVersion(name: string) {
    await rdb.transaction().execute(async (tx) => {
      const { rows } = await sql<{ ok: boolean }>`
        SELECT pg_try_advisory_xact_lock(${lockKey(name)}) AS ok`.execute(tx);
      if (!rows[0]?.ok) return;
      await sql`DROP SCHEMA IF EXISTS ${sql.id(`${name}__next`)} CASCADE`.execute(tx);
      await dropRebuiltLetters(tx, `${name}__next`);
    });
  }

  // One leader per read model across all processes: two workers on one durable consumer
  // could commit batches out of order, and the checkpoint would then skip events.
  const locks = leaderLocks(pool.options);
  async function lead(p: AnyProjection) {
    const signal = controller.signal;
    const key = `hearth.projector.${p.name}`;
    while (!signal.aborted) {
      await log.link.whenUp(signal);
      if (signal.aborted) break;
      const held = await locks.tryLead(key).catch(() => null);
      let handedOn = false;
      if (held) {
        try {
          leaders.add(p.name);
          // The lock lives as long as its session. When that session is lost (a database
          // restart, a terminated backend), another process may take the lead at once: this
          // worker stops, and this process tries for the lead again.
          held.lost.addEventListener(
            'abort',
            () =>
              logger.warn(
                { err: held.lost.reason, readModel: p.name },
                'leader lock session lost; worker stops',
              ),
            { once: true },
          );
          const stopping = AbortSignal.any([signal, held.lost]);
          handedOn =
            (await workWhileLeading({
              link: log.link,
              stopping,
              logger,
              readModel: p.name,
              run: async (workerSignal) => {
                try {
                  return await runWorker({
                    log,
                    pool,
                    projection: p,
                    logger,
                    signal: workerSignal,
                    options: {
                      batchSize,
                      ackWaitMs,
                      lingerMs,
                      afterCommit,
                      onApplied: (name, seq) => {
                        reached.set(name, seq);
                        applied.emit(name, seq);
                      },
                      onConsuming: (name) => consuming.add(name),
                    },
                  });
                } finally {
                  consuming.delete(p.name);
                }
              },
            })) === 'handed on';
        } catch (err) {
          logger.error({ err, readModel: p.name }, 'projector worker stopped; restarting');
        } finally {
          leaders.delete(p.name);
          consuming.delete(p.name);
          await held.release();
        }
      }
      // One handed on waits longer than a standby does between tries, so another process takes it.
      await sleep(handedOn ? 5000 : held ? 500 : 2000, signal);
    }
  }

  const rewriteListeners: ((name: string) => void)[] = [];
  const rewritten = (name: string) => {
    for (const l of rewriteListeners) {
      try {
        l(name);
      } catch (err) {
        logger.error({ err, readModel: name }, 'a rewrite listener failed');
      }
    }
  };

  const rebuilds = runnerRebuilds({
    db: rdb,
    log,
    batchSize,
    find,
    stopping: controller.signal,
    onRebuildProgress,
    reached,
    applied,
    rewritten,
  });

  async function checkpoint(name: string): Promise<number> {
    const row = await rdb
      .withSchema(RUNTIME_SCHEMA)
      .selectFrom('checkpoints')
      .select('last_seq')
      .where('read_model', '=', name)
      .executeTakeFirst();
    return Number(row?.last_seq ?? 0);
  }

  async function waitFor(name: string, seq: number, timeoutMs: number): Promise<boolean> {
    find(name);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((reached.get(name) ?? 0) >= seq) return true;
      const left = deadline - Date.now();
      // Listen before reading the checkpoint, so a commit during the read still wakes us.
      let wake = () => {};
      const woken = new Promise<void>((resolve) => {
        const t = setTimeout(() => wake(), Math.min(Math.max(left, 0), 50));
        wake = () => {
          clearTimeout(t);
          applied.off(name, wake);
          resolve();
        };
        applied.on(name, wake);
      });
      // This process's worker reports in memory once it has applied a batch; another
      // process's, or one with nothing to apply since it started, is read from the database.
      if ((!leaders.has(name) || !reached.has(name)) && (await checkpoint(name)) >= seq) {
        wake();
        return true;
      }
      if (left <= 0) {
        wake();
        return (reached.get(name) ?? 0) >= seq;
      }
      await woken;
    }
  }

  async function positions(names: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (names.length === 0) return out;
    const rows = await rdb
      .withSchema(RUNTIME_SCHEMA)
      .selectFrom('checkpoints')
      .select(['read_model', 'last_seq'])
      .where('read_model', 'in', names)
      .execute();
    for (const r of rows) out.set(r.read_model, Number(r.last_seq));
    for (const name of names) if (!out.has(name)) out.set(name, 0);
    return out;
  }

  async function status(): Promise<ProjectorStatus[]> {
    // The checkpoints are read before the streams, so a stream's last sequence is never older
    // than a checkpoint beside it (one past it means the log lost its history). One request per
    // stream, all at once, not one per read model in turn.
    const [parked, rows] = await Promise.all([
      countParked(rdb),
      rdb.withSchema(RUNTIME_SCHEMA).selectFrom('checkpoints').selectAll().execute(),
    ]);
    const streams = [...new Set(projections.map((p) => log.names.stream(p.domain)))];
    const infos = await Promise.all(
      streams.map((stream) =>
        log.link
          .reach(() => log.jsm.streams.info(stream))
          .catch((err: unknown) => {
            throw toUnavailable(err);
          }),
      ),
    );
    const ends = new Map(streams.map((stream, i) => [stream, infos[i]?.state.last_seq ?? 0]));
    return projections.map((p) => {
      const stream = log.names.stream(p.domain);
      const lastSeq = Number(rows.find((r) => r.read_model === p.name)?.last_seq ?? 0);
      const streamLastSeq = ends.get(stream) ?? 0;
      return {
        name: p.name,
        kind: reactors.has(p.name) ? 'reactor' : 'read-model',
        stream,
        lastSeq,
        streamLastSeq,
        lag: Math.max(streamLastSeq - lastSeq, 0),
        deadLetters: parked.get(p.name) ?? 0,
        leader: leaders.has(p.name),
        reactor: reactorNames.has(p.name),
      };
    });
  }

  let recent: { at: number; status: Promise<ProjectorStatus[]> } | undefined;
  /** One status shared by whoever asks within `maxAgeMs` (scrapes, /ready); a failure is not kept. */
  function recentStatus(maxAgeMs = RECENT_STATUS_MS): Promise<ProjectorStatus[]> {
    const now = Date.now();
    if (recent && now - recent.at < maxAgeMs) return recent.status;
    const made = status();
    const entry = { at: now, status: made };
    recent = entry;
    made.catch(() => {
      if (recent === entry) recent = undefined;
    });
    return made;
  }

  return {
    migrate,
    start: async () => {
      for (const p of projections) running.push(lead(p));
    },
    stop: async () => {
      controller.abort();
      await Promise.allSettled([...running, ...rebuilds.running()]);
      await locks.close();
    },
    status,
    recentStatus,
    waitFor,
    streamHead: async (name) =>
      (await log.jsm.streams.info(log.names.stream(find(name).domain))).state.last_seq,
    positions,
    applied: async (name) => {
      const mine = leaders.has(name) ? reached.get(name) : undefined;
      return mine ?? (await checkpoint(name));
    },
    rebuild: rebuilds.one,
    rebuildTogether: rebuilds.together,
    onRewritten: (listener) => {
      rewriteListeners.push(listener);
    },
    rebuildStatus: (name) => {
      find(name);
      return rebuildStatus(rdb, name);
    },
    cancelRebuild: (name) => {
      find(name);
      return requestCancel(rdb, name);
    },
    deadLetters: {
      list: (filter) => listDeadLetters({ db: rdb, ...filter }),
      resolve: async ({ id, action, by }) => {
        const letter = await resolveDeadLetter({ db: rdb, log, projections, id, action, by });
        rewritten(letter.readModel);
        return letter;
      },
    },
    names: () => projections.map((p) => p.name),
    lineage: () =>
      projections.flatMap((p) => (p.lineage ? [{ name: p.name, domain: p.domain, tables: p.lineage }] : [])),
    consumers: () =>
      projections
        .filter((p) => consuming.has(p.name))
        .map((p) => ({ stream: log.names.stream(p.domain), name: consumerName(p) })),
  };
}
