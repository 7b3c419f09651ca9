// The audit routes' query strings: each parameter checked (pattern, size, a real date, a
// cursor this hub made) before it becomes a filter; anything else is a 400 with the envelope.
import type { JSONSchemaType } from 'ajv';
import { commonErrors } from '../../contracts/errors.ts';
import { AUDIT_STREAMS, type AuditCursor, type AuditFilter } from '../../projectors/audit-log/queries.ts';

export type FilterQuery = {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: 'ok' | 'refused';
  from?: string;
  to?: string;
  q?: string;
};
export type EntriesQuery = FilterQuery & { before?: string; limit?: string };
export type ExportQuery = FilterQuery & { format: 'csv' | 'jsonl' };

const ISO =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$';
const filterProperties = {
  actor: { type: 'string', nullable: true, pattern: '^[A-Za-z0-9_-]{1,128}$' },
  // An event type, or a domain's prefix ending in a dot.
  action: { type: 'string', nullable: true, pattern: '^[a-z]{1,16}[.]([A-Za-z]{1,64})?$' },
  target: { type: 'string', nullable: true, pattern: '^[A-Za-z0-9_.-]{1,300}$' },
  outcome: { type: 'string', nullable: true, enum: ['ok', 'refused'] },
  from: { type: 'string', nullable: true, maxLength: 40, pattern: ISO },
  to: { type: 'string', nullable: true, maxLength: 40, pattern: ISO },
  q: { type: 'string', nullable: true, minLength: 1, maxLength: 200 },
} as const;

export const entriesQuery: JSONSchemaType<EntriesQuery> = {
  type: 'object',
  properties: {
    ...filterProperties,
    before: { type: 'string', nullable: true, pattern: '^[A-Za-z0-9_-]{1,200}$' },
    limit: { type: 'string', nullable: true, pattern: '^[0-9]{1,3}$' },
  },
  additionalProperties: false,
};

export const exportQuery: JSONSchemaType<ExportQuery> = {
  type: 'object',
  properties: { ...filterProperties, format: { type: 'string', enum: ['csv', 'jsonl'] } },
  required: ['format'],
  additionalProperties: false,
};

export function toFilter(query: FilterQuery): AuditFilter {
  return {
    actor: query.actor,
    action: query.action,
    target: query.target,
    outcome: query.outcome,
    from: query.from === undefined ? undefined : date(query.from, 'from'),
    to: query.to === undefined ? undefined : date(query.to, 'to'),
    q: query.q,
  };
}

export function toLimit(limit: string | undefined): number {
  const n = limit === undefined ? 50 : Number(limit);
  if (!(n >= 1 && n <= 200)) throw commonErrors.invalidRequest('limit must be 1 to 200.', { field: 'limit' });
  return n;
}

/** An ISO 8601 date or time whose parts exist (no 30 February, no 25:00). */
function date(text: string, field: string): Date {
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
  if (!real || Number.isNaN(at.getTime()))
    throw commonErrors.invalidRequest(`${field} is not a date.`, { field });
  return at;
}

const CURSOR =
  /^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z)\|([A-Z]{1,16})\|([1-9][0-9]{0,15})$/;

export function encodeCursor({ at, stream, seq }: AuditCursor): string {
  return Buffer.from(`${at.toISOString()}|${stream}|${seq}`).toString('base64url');
}

/** Only a cursor this hub made, byte for byte: anything else is refused, never guessed at. */
export function decodeCursor(before: string): AuditCursor {
  const refuse = () =>
    commonErrors.invalidRequest('before is not a cursor from this list.', { field: 'before' });
  const m = CURSOR.exec(Buffer.from(before, 'base64url').toString('utf8'));
  if (!m) throw refuse();
  const cursor = { at: new Date(m[1] ?? ''), stream: m[2] ?? '', seq: Number(m[3]) };
  const valid =
    !Number.isNaN(cursor.at.getTime()) &&
    AUDIT_STREAMS.includes(cursor.stream) &&
    Number.isSafeInteger(cursor.seq);
  if (!valid || encodeCursor(cursor) !== before) throw refuse();
  return cursor;
}
