import type { CompiledQuery, Kysely, Migration } from 'kysely';
import type { Envelope, EventOf } from '../../contracts/events.ts';
import type { Domain } from '../../contracts/subjects.ts';
import type { StoredEvent } from '../../writers/log/decode.ts';

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
  /** False when the projection writes outside its own schema and cannot be rebuilt beside itself. */
  rebuildable?: boolean;
};

// Projections of different domains and tables live in one list.
export type AnyProjection = Projection<never, never>;
