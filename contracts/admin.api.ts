// What the operators' API (edge/admin/routes.ts) answers, as JSON: read models, their rebuilds,
// and dead letters. Types only.

/** GET /api/v1/admin/read-models: each read model's position on its stream. */
export type ReadModelStatus = {
  name: string;
  kind: 'read-model' | 'reactor';
  stream: string;
  /** The last stream sequence it applied. */
  lastSeq: number;
  streamLastSeq: number;
  lag: number;
  deadLetters: number;
  /** Whether this process runs its worker. */
  leader: boolean;
};

/**
 * Where a rebuild stands. running → verifying (caught up, compared with the live version at
 * the same sequence) → switching → done; or mismatch (compared unequal, nothing switched),
 * cancelled, failed.
 */
export type RebuildState =
  | 'running'
  | 'verifying'
  | 'switching'
  | 'done'
  | 'failed'
  | 'mismatch'
  | 'cancelled';

/** A row that differs between the live version and the rebuilt one, named by its primary key. */
export type RebuildDifference = {
  key: Record<string, unknown>;
  /** live: only the live version has it; rebuilt: only the new one; changed: both, unequal. */
  kind: 'live' | 'rebuilt' | 'changed';
  /** The columns whose values differ (changed rows only); values are not shown. */
  columns: string[];
};

/** One table compared: row counts and a content hash on each side, and a sample of differences. */
export type RebuildTableCheck = {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  liveHash: string;
  rebuiltHash: string;
  equal: boolean;
  /** At most a few per table, by primary key. */
  differences: RebuildDifference[];
};

/** The comparison made before the switch, at one sequence of the stream. */
export type RebuildVerification = {
  atSeq: number;
  equal: boolean;
  /** True when the admin accepted differences (the rules changed) and it switched anyway. */
  accepted: boolean;
  tables: RebuildTableCheck[];
};

/** POST/GET /api/v1/admin/read-models/:name/rebuild (and its SSE): the rebuild's progress. */
export type RebuildStatus = {
  readModel: string;
  status: RebuildState;
  processed: number;
  targetSeq: number;
  eventsPerSecond: number;
  remaining: number;
  etaSeconds: number | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  acceptDifferences: boolean;
  verification: RebuildVerification | null;
};

/** GET /api/v1/admin/dead-letters: an event a read model could not apply, and why. */
export type DeadLetter = {
  id: string;
  readModel: string;
  stream: string;
  seq: number;
  subject: string;
  type: string;
  error: string;
  status: 'parked' | 'retried' | 'skipped';
  attempts: number;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
};
