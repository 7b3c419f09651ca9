// What the stream inspection API (edge/admin/inspect.routes.ts) answers, as JSON: streams,
// consumers and their last hour, events decoded from the log, and an aggregate at a point in
// its history. Types only.

/** GET /api/v1/admin/streams: one stream of the log (one per domain). */
export type StreamFigures = {
  domain: string;
  stream: string;
  subjects: string[];
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  firstTime: string;
  lastTime: string;
  /** Distinct subjects holding messages: about one per aggregate. */
  numSubjects: number;
  /** The server's retention policy ('limits' for the log) and how long events stay. */
  retention: string;
  maxAgeDays: number;
};

/** GET /api/v1/admin/consumers: a read model's or reactor's durable consumer, and how far behind it is. */
export type ConsumerFigures = {
  name: string;
  kind: 'read-model' | 'reactor';
  stream: string;
  /** The durable consumer's name; its figures are null while no process has made it. */
  consumer: string;
  pending: number | null;
  ackPending: number | null;
  redelivered: number | null;
  /** The checkpoint: the last sequence applied. */
  lastSeq: number;
  streamLastSeq: number;
  lagEvents: number;
  /** Age of the oldest event not yet applied (0 when caught up). */
  lagSeconds: number;
  deadLetters: number;
};

/** One sample of the consumers' lag, taken every ~15 s by the edge that answers. */
export type ConsumerSample = {
  at: string;
  lag: Record<string, { events: number; seconds: number; pending: number | null }>;
};

export type ConsumersAnswer = {
  consumers: ConsumerFigures[];
  history: ConsumerSample[];
  everySeconds: number;
};

/** An event's personal fields as an admin sees them: never their values. */
export type PersonalMark = {
  /** 'withheld': sealed under a live key and not opened here; 'erased': the member's key is destroyed. */
  status: 'withheld' | 'erased';
  /** The fields, dotted from the event: "userRegistered.email". */
  fields: string[];
};

/** GET /api/v1/admin/streams/:domain/events: one event, decoded from protobuf. */
export type LoggedEvent = {
  seq: number;
  subject: string;
  type: string;
  time: string;
  actor: string | null;
  onBehalfOf: string | null;
  correlationId: string | null;
  headers: Record<string, string>;
  /** The envelope as protobuf JSON, the sealed box left out. */
  payload: unknown;
  personal?: PersonalMark;
  /** The aggregate its subject names, where the console's browse route knows it. */
  aggregate?: AggregateLink;
};

export type EventsPage = { events: LoggedEvent[]; nextAfterSeq: number; lastSeq: number };

/** GET /api/v1/admin/aggregates/:domain/:type/:id: the aggregate at a sequence or a moment. */
export type AggregateAt = {
  domain: string;
  type: string;
  id: string;
  subject: string;
  /** The state as the writers' evolve folds it, as JSON (Maps as objects, Sets as arrays). */
  state: unknown;
  /** Sequence of its last event folded (0: none). */
  version: number;
  folded: number;
  /** Personal fields of the events folded: empty in the state. */
  withheld: string[];
  erased: boolean;
  fromSnapshot: boolean;
  /** Its events, paged (history_after), so the console can offer each point to travel to. */
  history: EventsPage;
};

/** The aggregate types time travel knows, as "<domain>.<type>". */
export type AggregateTypes = { types: string[] };

/** The aggregate an event's subject names: its time-travel route is /admin/aggregates/:domain/:type/:id. */
export type AggregateLink = { domain: string; type: string; id: string };

/** GET /api/v1/admin/read-models/:name/tables: a read model's event-made tables (lineage). */
export type LineageTables = {
  readModel: string;
  domain: string;
  stream: string;
  tables: { name: string; key: string[]; seqColumn: string }[];
};

/** GET /api/v1/admin/read-models/:name/rows?table=…&after=…: rows in key order, keys and sequence only. */
export type LineageRows = {
  readModel: string;
  table: string;
  domain: string;
  stream: string;
  /** The key columns, in order: each row's `key` holds their values as text. */
  key: string[];
  seqColumn: string;
  /** lastSeq 0: unknown until rebuilt (see RowLineage). */
  rows: { key: string[]; lastSeq: number }[];
  /** The `after` of the next page (a JSON array of the last row's key), null at the end. */
  next: string | null;
};

/** GET /api/v1/admin/read-models/:name/lineage?table=…&key=…: the event that last touched a row. */
export type RowLineage = {
  readModel: string;
  table: string;
  domain: string;
  stream: string;
  key: string[];
  /**
   * 0: unknown until rebuilt: the row was written before its table kept the column (added with
   * DEFAULT 0, no backfill) or by a worker of the previous release during a rolling deploy. A
   * rebuild fills it in, and verify does not count a live 0 as a difference.
   */
  lastSeq: number;
  /** The event at lastSeq, decoded as browsing does; null when there is none (expired, or 0). */
  event: LoggedEvent | null;
  /** The aggregate its subject names, null for a subject that is none. */
  aggregate: AggregateLink | null;
};
