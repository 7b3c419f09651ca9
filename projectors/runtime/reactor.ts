// A reactor on the projector runtime: the runner turns it into a projection with no tables,
// so it gets a worker, a durable consumer, a checkpoint, dead letters and a leader like any
// read model, and this file adds what reacting needs. A replay issues nothing; a reactor is
// held while a read model it reads rebuilds; it reacts to an event only once the read models
// on its stream have applied it; and the commands it issues carry ids derived from the event,
// so a redelivered batch (the batch commits after its commands are on the log) issues none twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import pRetry from 'p-retry';
import type { Logger } from 'pino';
import { HearthError } from '../../contracts/errors.ts';
import { HEADERS } from '../../contracts/events.ts';
import type { CommandMeta } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import { isTransient } from './apply.ts';
import { inIssueSpan } from './batch-trace.ts';
import { ACTIVE, rebuildAlive } from './rebuild-status.ts';
import { RUNTIME_SCHEMA } from './tables.ts';
import type { AnyProjection, AnyReactor, Projector, ReactorContext, StoredEvent } from './types.ts';

/** How long a command is retried while the log is away, before the batch is handed back. */
const ISSUE_FOR_MS = 10_000;
/** How long a batch waits for the read models on its stream, before it is handed back. */
const CATCH_UP_MS = 5_000;

/**
 * A failure the runner retries with the batch kept (apply.ts isTransient), never parks: the
 * log is away, or the reactor is held.
 */
export function transient(message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, { cause }), { transient: true });
}

export function isReactor(p: Projector): p is AnyReactor {
  return 'react' in p;
}

/** What the runner lends a reactor: the log, and its read models' positions. */
export type ReactorRuntime = {
  log: Log;
  logger: Logger;
  /** Read models this runner runs on the reactor's stream, among those it reads. */
  onStream: string[];
  waitFor: (name: string, seq: number, timeoutMs: number) => Promise<boolean>;
};

export function reactorProjection(reactor: AnyReactor, runtime: ReactorRuntime): AnyProjection {
  const logger = runtime.logger.child({ reactor: reactor.name });
  const issue = issuer(reactor, runtime);
  let acted = 0;
  return {
    name: reactor.name,
    domain: reactor.domain,
    migrations: {},
    sideEffects: true,
    // A new reactor acts on what happens from now on, not on the history it arrives to.
    startAt: 'end',
    // A reactor has nothing to rebuild, and a rebuild would move it past the events between
    // its checkpoint and the stream's end without acting on them.
    rebuildable: false,
    apply: async (events, { db, rebuilding }) => {
      // Never replayed (not rebuildable); should one ever be, it must not act on the past again.
      if (rebuilding) return;
      const wanted = reactor.wants ? events.filter((e) => reactor.wants?.(e as never)) : events;
      const last = wanted.at(-1);
      if (!last) return;
      // Paced: what arrives meanwhile waits, and comes next as one batch, checked once.
      const wait = reactor.paceMs ? acted + reactor.paceMs - Date.now() : 0;
      if (wait > 0) await sleep(wait);
      acted = Date.now();
      const held = await rebuildingOf(db, reactor.reads);
      if (held) throw transient(`held: ${held} is rebuilding`);
      for (const name of runtime.onStream) {
        if (!(await runtime.waitFor(name, last.seq, CATCH_UP_MS)))
          throw transient(`${name} has not applied ${last.stream}:${last.seq} yet`);
      }
      const ctx: ReactorContext<never> = { db, logger, issue };
      await reactor.react(wanted as never, ctx);
    },
  };
}

/** The first of `reads` with a rebuild under way, read in the batch transaction. */
async function rebuildingOf(db: Kysely<never>, reads: string[]): Promise<string | undefined> {
  if (reads.length === 0) return undefined;
  // A row left `running` by a process that died holds nothing: the rebuild's lock tells.
  const { rows } = await sql<{ read_model: string }>`
    SELECT read_model FROM ${sql.table(`${RUNTIME_SCHEMA}.rebuilds`)} r
    WHERE read_model = ANY(${reads}::text[]) AND status = ANY(${[...ACTIVE]}::text[])
      AND ${rebuildAlive(sql.ref('r.read_model'))} LIMIT 1`.execute(db);
  return rows[0]?.read_model;
}

/** Worth asking again: the log is away or busy, or the aggregate moved under the decision. */
function retryable(err: unknown): boolean {
  if (err instanceof HearthError) return err.code === 'unavailable' || err.code === 'conflict';
  return isTransient(err);
}

function issuer(reactor: AnyReactor, { log }: ReactorRuntime): ReactorContext['issue'] {
  /** The causing event's correlation and trace travel on with the command it causes. */
  const metaFor = async (cause: StoredEvent, key: string | undefined): Promise<CommandMeta> => {
    const position = `${cause.stream}:${cause.seq}`;
    // Headers are read only when a command is issued, which is rare next to the events read.
    const stored = await log.jsm.direct.getMessage(cause.stream, { seq: cause.seq }).catch(() => null);
    const header = (name: string) => stored?.header?.get(name) || undefined;
    return {
      commandId: key ?? `${reactor.name}:${position}`,
      actorId: '',
      correlationId: header(HEADERS.correlation) ?? position,
      causationId: position,
      traceparent: header(HEADERS.traceparent),
      now: new Date(),
      retryable: true,
    };
  };
  return async ({ cause, key, run }) => {
    const meta = await metaFor(cause, key);
    const span = {
      reactor: reactor.name,
      cause: `${cause.stream}:${cause.seq}`,
      traceparent: meta.traceparent,
    };
    try {
      return await inIssueSpan(span, () =>
        pRetry(() => run(meta), {
          retries: 10,
          minTimeout: 100,
          maxTimeout: 2000,
          maxRetryTime: ISSUE_FOR_MS,
          shouldRetry: ({ error }) => retryable(error),
        }),
      );
    } catch (err) {
      if (retryable(err)) throw transient('the event log stayed unavailable', err);
      throw err;
    }
  };
}
