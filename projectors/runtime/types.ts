import type { CompiledQuery, Kysely, Migration } from 'kysely';
import type { Logger } from 'pino';
import type { Envelope } from '../../contracts/events.ts';
import type { Domain } from '../../contracts/subjects.ts';
import type { CommandMeta } from '../../writers/log/append.ts';
import type { StoredEvent } from '../../writers/log/decode.ts';
import type { Lineage } from './lineage.ts';

export type { StoredEvent };

export type ProjectionContext<DB> = {
  /** Bound to the read model's schema inside the batch transaction. */
  db: Kysely<DB>;
  schema: string;
  /** True while replaying into a new version: side effects stay off. */
  rebuilding: boolean;
};

export type Projection<DB = unknown, E extends Envelope = Envelope> = {
  /** The read model's name; also its Postgres schema. */
  name: string;
  domain: Domain;
  /** Frozen, timestamp-prefixed; they run inside the read model's schema. */
  migrations: Record<string, Migration>;
  /** Applies events in order. Throwing fails the batch; the runner isolates the culprit. */
  apply: (events: StoredEvent<E>[], ctx: ProjectionContext<DB>) => Promise<void>;
  /**
   * Optional, for a projection whose batch is one statement that needs no reply before it is
   * sent: that statement (null: nothing to write), with the same effect as apply. The live
   * worker then sends it between BEGIN and COMMIT without waiting, so batches follow each
   * other in the database with no round trip between them. apply still serves rebuilds and
   * failing batches.
   *
   * undefined: this batch is not one statement (say, it needs rows read first); the live
   * worker applies it with apply instead, in the same pipelined transaction. A projection can
   * so take the fast path only for the batches that make up its steady state.
   */
  batchStatement?: (events: StoredEvent<E>[], ctx: ProjectionContext<DB>) => CompiledQuery | null | undefined;
  /**
   * Optional: what a version built now starts with besides its events, written into the new
   * schema once it is made (the audit log records the plan of fields its rows are built with).
   */
  prepareRebuild?: (ctx: { db: Kysely<unknown>; schema: string }) => Promise<void>;
  /**
   * True for a read model that keeps only what the log still holds (the audit log deletes the
   * entries of expired events): no baseline is kept for it, and a rebuild replays what is left.
   */
  retainedOnly?: boolean;
  /**
   * Columns a rebuild may fill differently from the live worker (a time of arrival), per
   * table: left out when a rebuild is compared with the live version before it switches (the
   * rows are still counted). `['*']` leaves a table out whole, its row count too.
   */
  unverified?: Readonly<Record<string, readonly string[]>>;
  /** False when the projection writes outside its own schema and cannot be rebuilt beside itself. */
  rebuildable?: boolean;
  /**
   * True for a reactor: what it does cannot be rolled back, so a batch is applied only once
   * its checkpoint is known, never on a guess of it.
   */
  sideEffects?: boolean;
  /** Where a new one starts on a stream that already has events: a reactor starts at its end. */
  startAt?: 'beginning' | 'end';
  /** Its event-made tables: each row's key and the column with its last event's sequence (lineage.ts). */
  lineage?: Lineage;
};

// Projections of different domains and tables live in one list.
export type AnyProjection = Projection<never, never>;

/** What a reactor's react is given for one batch. */
export type ReactorContext<DB = unknown> = {
  /**
   * The batch transaction, committed with the reactor's checkpoint: a reactor whose effect is
   * a database write (identity_access) makes it here, so it happens exactly once.
   */
  db: Kysely<DB>;
  logger: Logger;
  /**
   * Issues one command caused by `cause`. Its command id is `key` when the reactor has a
   * domain key stronger than the event (a reward once per (challenge, member), whichever
   * event completed it), else `<reactor>:<stream>:<seq>` of the event: a redelivered event
   * issues nothing twice. The causation is the event; the correlation and the trace are the
   * event's own. A log that is unavailable or a conflicting aggregate is retried; past that,
   * the runner keeps the batch and retries it. The command's own refusal is thrown.
   */
  issue: <T>(input: {
    cause: StoredEvent;
    key?: string;
    run: (meta: CommandMeta) => Promise<T>;
  }) => Promise<T>;
};

/**
 * A reaction to events: a command issued, or a write outside the read models. It runs on
 * the projector runtime like a read model (its own durable consumer and checkpoint, parked
 * events, leader lock), and the runtime adds what reacting needs: nothing is issued while it
 * is replayed, and it is held while a read model it reads rebuilds.
 */
export type Reactor<DB = unknown, E extends Envelope = Envelope> = {
  /** Its name: checkpoint, consumer and (empty) Postgres schema. */
  name: string;
  domain: Domain;
  /**
   * The read models it reads. While any of them rebuilds the reactor is held (it neither acts
   * nor moves on); and those on its own stream have applied an event before it reacts to it.
   */
  reads: string[];
  /**
   * At most one batch this often: for a reactor on a busy stream whose every batch costs
   * queries, the events that arrive meanwhile wait and come as one batch.
   */
  paceMs?: number;
  /** The events it reacts to; the rest only move its checkpoint. */
  wants?: (event: StoredEvent<E>) => boolean;
  /** Reacts to a batch of wanted events, in log order. Throwing fails the batch. */
  react: (events: StoredEvent<E>[], ctx: ReactorContext<DB>) => Promise<void>;
};

export type AnyReactor = Reactor<never, never>;

/** What the runner runs: read models and reactors, one worker each. */
export type Projector = AnyProjection | AnyReactor;
