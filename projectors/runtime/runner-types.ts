// The projector runner's public shape: what the hub, the routes and /ready read of it.
import type { DeadLetter } from './dead-letters.ts';
import type { ReadModelLineage } from './lineage.ts';
import type { RebuildOptions, RebuildProgress } from './rebuild.ts';
import type { RebuildResult } from './runner-rebuilds.ts';

export type ProjectorStatus = {
  name: string;
  kind: 'read-model' | 'reactor';
  stream: string;
  lastSeq: number;
  streamLastSeq: number;
  lag: number;
  deadLetters: number;
  leader: boolean;
  /** A reactor (answers events with commands) rather than a read model. */
  reactor: boolean;
};

export type ProjectorRunner = {
  /** Migrates the runtime tables and every read model's schema; refuses a log behind them (log-behind.ts). */
  migrate: () => Promise<void>;
  /** Starts workers; each runs only while this process holds its read model's leader lock. */
  start: () => Promise<void>;
  stop: () => Promise<void>;
  status: () => Promise<ProjectorStatus[]>;
  /** The status at most `maxAgeMs` (2 s) old, shared between callers: for scrapes and /ready. */
  recentStatus: (maxAgeMs?: number) => Promise<ProjectorStatus[]>;
  /** Resolves true once the read model has applied `seq`, false after `timeoutMs`. */
  waitFor: (name: string, seq: number, timeoutMs: number) => Promise<boolean>;
  /** The last sequence of the stream the read model follows: no wait can reach past it. */
  streamHead: (name: string) => Promise<number>;
  /** The stream sequence each of these read models has applied, as committed (0: none yet). */
  positions: (names: readonly string[]) => Promise<Map<string, number>>;
  /** At least what the read model has applied: this process's worker's report, else the checkpoint. */
  applied: (name: string) => Promise<number>;
  /**
   * Told when a read model changed with no new event: a rebuild switched in, or a dead letter
   * was retried or skipped (what is kept from it in memory is stale).
   */
  onRewritten: (listener: (name: string) => void) => void;
  /** Resolves with the outcome: done, mismatch (nothing switched) or cancelled. */
  rebuild: (name: string, options?: RebuildOptions) => Promise<RebuildProgress>;
  /**
   * Rebuilds read models of one stream side by side from one read of the log, each verified
   * and switched on its own: resolves with each one's outcome, in order; throws a failure.
   */
  rebuildTogether: (
    names: readonly string[],
    options?: Omit<RebuildOptions, 'together' | 'onClaimed'>,
  ) => Promise<RebuildResult[]>;
  rebuildStatus: (name: string) => Promise<RebuildProgress | null>;
  /** Asks the rebuild of `name` to stop, in whichever process it runs. */
  cancelRebuild: (name: string) => Promise<void>;
  deadLetters: {
    list: (filter: {
      readModel?: string;
      status?: DeadLetter['status'];
      limit?: number;
    }) => Promise<DeadLetter[]>;
    resolve: (input: { id: string; action: 'retry' | 'skip'; by: string }) => Promise<DeadLetter>;
  };
  names: () => string[];
  /** The read models that declare their tables' lineage (lineage.ts). */
  lineage: () => ReadModelLineage[];
  /** The durable consumers this process's workers follow now, by stream (for /ready). */
  consumers: () => { stream: string; name: string }[];
};
