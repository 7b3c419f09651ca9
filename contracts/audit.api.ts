// What the audit routes under /api/v1/audit answer (edge/audit builds them from the audit read
// model, projectors/audit-log, and from the hash chain, writers/audit; ui/src/admin reads them).
// Every route is for admins only (audit.read; creating a checkpoint: audit.checkpoint).

/** Whether the attempt went through (an event of a domain) or was refused (AttemptRefused, UploadRejected). */
export type AuditOutcome = 'ok' | 'refused';

/** One event of any stream, as the audit log shows it. */
export type AuditEntry = {
  /** The stream's name without the namespace prefix: IDENTITY, CHAT, PLAY, HOME, MEDIA, AUDIT. */
  stream: string;
  seq: number;
  /** When it happened (the event's occurred_at), ISO 8601. */
  at: string;
  /** Who did it: during impersonation, the admin. Null for the system (reactors, the sweeper) or a signed-out client. */
  actor_id: string | null;
  actor_name: string | null;
  /** During impersonation: the person the admin acted as. */
  on_behalf_of: string | null;
  on_behalf_of_name: string | null;
  /** The event type, `<domain>.<EventName>`, e.g. "chat.MessageEdited", "audit.AttemptRefused". */
  action: string;
  /** The aggregate: the event's subject without the namespace and `hearth.`, e.g. "chat.channel.family.message.m1". */
  target: string;
  outcome: AuditOutcome;
  client_ip: string | null;
  user_agent: string | null;
  /** Attempts this entry stands for: 1, or more for coalesced refusals. */
  count: number;
  /**
   * Only the event's fields marked `audit_shown` in its protobuf schema, by their proto names
   * (never message text, names, emails or file names). Timestamps are ISO strings, enums their
   * names, bytes base64.
   */
  details: Record<string, string | number | boolean | string[]>;
};

/**
 * GET /audit/entries?actor=<user id>&action=<event type or domain prefix, e.g. "chat." >
 *   &target=<subject prefix>&outcome=ok|refused&from=<ISO>&to=<ISO>&q=<free text>
 *   &before=<cursor>&limit=<1..200, default 50>
 * Newest first. q matches the action, the target, the actor's and on-behalf-of's names and ids,
 * the client address, the user agent and the shown details (case-insensitive substring).
 */
export type AuditPage = {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null at the end. */
  next: string | null;
};

/** The filters the entries and the export take, by their query names. */
export type AuditFilterField = 'actor' | 'action' | 'target' | 'outcome' | 'from' | 'to' | 'q';

/**
 * What the audit routes accept as filters, as JSON Schema writes it: edge/audit/params.ts
 * refuses anything else with a 400, and the console checks the same before it asks.
 */
export const AUDIT_FILTER_RULES = {
  actor: '^[A-Za-z0-9_-]{1,128}$',
  /** An event type ("chat.MessagePosted"), or a domain's prefix ending in a dot ("chat."). */
  action: '^[a-z]{1,16}[.]([A-Za-z]{1,64})?$',
  /** The start of a subject: "chat.channel.family". */
  target: '^[A-Za-z0-9_.-]{1,300}$',
  outcome: ['ok', 'refused'],
  /** A date, or a date and time with its zone (Z or ±hh:mm): a moment, never a wall clock. */
  date: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$',
  dateMaxLength: 40,
  qMaxLength: 200,
} as const;

/** A date matching the date rule whose parts exist (no 30 February, no 25:00); null otherwise. */
export function auditDate(text: string): Date | null {
  if (text.length > AUDIT_FILTER_RULES.dateMaxLength || !new RegExp(AUDIT_FILTER_RULES.date, 'u').test(text))
    return null;
  const [y, mo, d, h = 0, mi = 0, s = 0] = (text.match(/[0-9]+/g) ?? []).map(Number);
  const days = y !== undefined && mo !== undefined ? new Date(Date.UTC(y, mo, 0)).getUTCDate() : 0;
  const at = new Date(text);
  const real =
    mo !== undefined &&
    mo >= 1 &&
    mo <= 12 &&
    d !== undefined &&
    d >= 1 &&
    d <= days &&
    h < 24 &&
    mi < 60 &&
    s < 60;
  return real && !Number.isNaN(at.getTime()) ? at : null;
}

const matches = (pattern: string, text: string) => new RegExp(pattern, 'u').test(text);
// What Postgres text can hold: no NUL, no half of a surrogate pair.
// (Read by code point, a surrogate is only ever half of a pair.)
const storable = (text: string) => !text.includes('\0') && !/[\uD800-\uDFFF]/u.test(text);

/** Whether the routes take this value for this filter (absent filters are not asked about). */
export function auditFilterAccepted(field: AuditFilterField, value: string): boolean {
  switch (field) {
    case 'actor':
    case 'action':
    case 'target':
      return matches(AUDIT_FILTER_RULES[field], value);
    case 'outcome':
      return (AUDIT_FILTER_RULES.outcome as readonly string[]).includes(value);
    case 'from':
    case 'to':
      return auditDate(value) !== null;
    case 'q':
      return value.length > 0 && [...value].length <= AUDIT_FILTER_RULES.qMaxLength && storable(value);
    default: {
      const never: never = field;
      return never;
    }
  }
}

/**
 * GET /audit/export?format=csv|jsonl&<the same filters as entries>: every matching entry,
 * newest first, streamed (Content-Disposition: attachment). CSV columns, in order:
 * stream, seq, at, actor_id, actor_name, on_behalf_of, on_behalf_of_name, action, target,
 * outcome, client_ip, user_agent, count, details (JSON). JSONL: one AuditEntry per line.
 */
export const AUDIT_CSV_COLUMNS = [
  'stream',
  'seq',
  'at',
  'actor_id',
  'actor_name',
  'on_behalf_of',
  'on_behalf_of_name',
  'action',
  'target',
  'outcome',
  'client_ip',
  'user_agent',
  'count',
  'details',
] as const;

/** GET /audit/retention: how far back the log goes. */
export type AuditRetention = {
  retention_days: number;
  /** The oldest event still retained on any stream, ISO; null when the log is empty. */
  oldest: string | null;
  streams: {
    stream: string;
    first_seq: number;
    last_seq: number;
    first_at: string | null;
    messages: number;
  }[];
};

/** GET /audit/public-key: the key every checkpoint is signed with (also in the subject catalogue). */
export type AuditPublicKey = {
  algorithm: 'Ed25519';
  /** The first 16 hex digits of the SHA-256 of the raw public key. */
  key_id: string;
  /** SPKI, PEM. */
  public_key_pem: string;
  /** The raw 32-byte public key, base64. */
  public_key: string;
};

/** Why a stream failed verification, at a sequence. */
export type AuditProblemKind =
  /** A sequence is missing between two retained events (deleted). */
  | 'missing'
  /** An event's bytes differ from what the chain recorded. */
  | 'altered'
  /** Events are out of order (an export or a restored store). */
  | 'reordered'
  /** A checkpoint's signature does not verify with the hub's key (a chain rewritten without it). */
  | 'bad_signature'
  /** A checkpoint's link does not match the chain recomputed from the events. */
  | 'chain_mismatch'
  /** The first retained event is not anchored by any signed checkpoint. */
  | 'unanchored';

export type AuditProblem = { seq: number; kind: AuditProblemKind; detail: string };

export type AuditStreamReport = {
  stream: string;
  from_seq: number;
  to_seq: number;
  events: number;
  checkpoints: number;
  /** The last sequence a signed checkpoint covers; events after it are checked for order and gaps only. */
  signed_through: number;
  ok: boolean;
  problems: AuditProblem[];
};

/** POST /audit/verify {stream?: string, from_seq?: number}: the same check as `hearth audit verify`. */
export type AuditVerifyReport = {
  ok: boolean;
  streams: AuditStreamReport[];
};

/** POST /audit/checkpoints: a signed checkpoint of every stream, now. */
export type AuditCheckpointResult = {
  checkpoints: { stream: string; seq: number }[];
};
