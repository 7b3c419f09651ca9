// The audit routes' query strings: each parameter checked (pattern, size, a real date, a
// cursor this hub made) before it becomes a filter; anything else is a 400 with the envelope.
import type { JSONSchemaType } from 'ajv';
import { AUDIT_FILTER_RULES, auditDate } from '../../contracts/audit.api.ts';
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

const { actor, action, target, outcome, date: ISO, dateMaxLength, qMaxLength } = AUDIT_FILTER_RULES;
const filterProperties = {
  actor: { type: 'string', nullable: true, pattern: actor },
  action: { type: 'string', nullable: true, pattern: action },
  target: { type: 'string', nullable: true, pattern: target },
  outcome: { type: 'string', nullable: true, enum: [...outcome] },
  from: { type: 'string', nullable: true, maxLength: dateMaxLength, pattern: ISO },
  to: { type: 'string', nullable: true, maxLength: dateMaxLength, pattern: ISO },
  q: { type: 'string', nullable: true, minLength: 1, maxLength: qMaxLength },
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
  const at = auditDate(text);
  if (!at) throw commonErrors.invalidRequest(`${field} is not a date.`, { field });
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
