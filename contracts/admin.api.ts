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

/** POST/GET /api/v1/admin/read-models/:name/rebuild: the rebuild's progress, as it runs. */
export type RebuildStatus = {
  readModel: string;
  status: 'running' | 'switching' | 'done' | 'failed';
  processed: number;
  targetSeq: number;
  eventsPerSecond: number;
  remaining: number;
  etaSeconds: number | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
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
