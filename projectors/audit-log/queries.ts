// Reading the audit log: every stream's schema as one list, newest first, keyset-paged on
// (at, stream, seq), with the actors' names joined from the family directory at query time.
// Every value the caller gives is a parameter; only the schema names (from DOMAINS) are text.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AuditEntry, AuditOutcome } from '../../contracts/audit.api.ts';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import { REFUSED_DOMAINS } from './entry.ts';
import { auditLogName } from './projection.ts';

export type AuditFilter = {
  actor?: string | undefined;
  /** An event type ("chat.MessageEdited"), or a prefix ending in "." ("chat."). */
  action?: string | undefined;
  /** A prefix of the target. */
  target?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  /** Case-insensitive substring (see contracts/audit.api.ts). */
  q?: string | undefined;
};

/** Where a page ends: the next page holds what sorts after it, newest first. */
export type AuditCursor = { at: Date; stream: string; seq: number };

export const streamOf = (domain: Domain) => domain.toUpperCase();
export const AUDIT_STREAMS: readonly string[] = DOMAINS.map(streamOf);

type Row = {
  stream: string;
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  on_behalf_of: string | null;
  on_behalf_of_name: string | null;
  action: string;
  target: string;
  outcome: AuditOutcome;
  client_ip: string | null;
  user_agent: string | null;
  count: number;
  details: AuditEntry['details'];
};

export function toAuditEntry(r: Row): AuditEntry {
  return {
    stream: r.stream,
    seq: Number(r.seq),
    at: r.at.toISOString(),
    actor_id: r.actor_id,
    actor_name: r.actor_name,
    on_behalf_of: r.on_behalf_of,
    on_behalf_of_name: r.on_behalf_of_name,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    client_ip: r.client_ip,
    user_agent: r.user_agent,
    count: r.count,
    details: r.details,
  };
}

/** One page, newest first, and the cursor of its last entry when there may be more. */
export async function auditPage(
  db: Kysely<unknown>,
  { filter, before, limit }: { filter: AuditFilter; before?: AuditCursor | undefined; limit: number },
): Promise<{ entries: AuditEntry[]; next: AuditCursor | null }> {
  const { rows } = await auditQuery(filter, before, limit + 1).execute(db);
  const entries = rows.slice(0, limit).map(toAuditEntry);
  const last = entries.at(-1);
  const next =
    rows.length > limit && last ? { at: new Date(last.at), stream: last.stream, seq: last.seq } : null;
  return { entries, next };
}

/** Every matching entry, newest first (limit: none; the export reads it through a cursor). */
export function auditQuery(filter: AuditFilter, before?: AuditCursor, limit?: number): RawBuilder<Row> {
  const branches = domainsFor(filter).map((d) => branch(d, filter, before, limit));
  // No stream can hold it (an action of an unknown domain): an empty answer of the same shape.
  const union = branches.length > 0 ? sql.join(branches, sql` UNION ALL `) : emptyBranch();
  return sql<Row>`
    SELECT x.stream, x.seq, x.at, x.actor_id, a.name AS actor_name, x.on_behalf_of,
      b.name AS on_behalf_of_name, x.action, x.target, x.outcome, x.client_ip, x.user_agent,
      x.count, x.details
    FROM (${union}) x
    LEFT JOIN identity_users.users a ON a.id = x.actor_id
    LEFT JOIN identity_users.users b ON b.id = x.on_behalf_of
    ORDER BY x.at DESC, x.stream DESC, x.seq DESC
    ${limit === undefined ? sql`` : sql`LIMIT ${limit}`}`;
}

/**
 * An action or a target names its domain first: only that stream's schema can match; and only
 * the streams with events that stand for refusals hold refused entries.
 */
export function domainsFor(filter: AuditFilter): Domain[] {
  let domains: Domain[] = [...DOMAINS];
  if (filter.outcome === 'refused') domains = domains.filter((d) => REFUSED_DOMAINS.has(d));
  for (const named of [filter.action, filter.target]) {
    if (named === undefined) continue;
    const first = named.split('.')[0] ?? '';
    // A prefix shorter than a domain's name ("ch") may still start one.
    const dot = named.includes('.');
    domains = domains.filter((d) => (dot ? d === first : d.startsWith(first)));
  }
  return domains;
}

function branch(domain: Domain, f: AuditFilter, before: AuditCursor | undefined, limit: number | undefined) {
  const stream = streamOf(domain);
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (f.actor !== undefined) where.push(sql`actor_id = ${f.actor}`);
  if (f.action !== undefined)
    where.push(f.action.endsWith('.') ? sql`action LIKE ${`${like(f.action)}%`}` : sql`action = ${f.action}`);
  if (f.target !== undefined) where.push(sql`target LIKE ${`${like(f.target)}%`}`);
  if (f.outcome !== undefined) where.push(sql`outcome = ${f.outcome}`);
  if (f.from !== undefined) where.push(sql`at >= ${f.from}`);
  if (f.to !== undefined) where.push(sql`at < ${f.to}`);
  if (f.q !== undefined) {
    const pattern = `%${like(f.q.toLowerCase())}%`;
    // An array rather than IN (subquery): each arm of the OR can then use its index (trigrams,
    // actor, on-behalf-of), so a rare q does not walk the whole time index on every page.
    const named = sql`ARRAY(SELECT id FROM identity_users.users WHERE name ILIKE ${pattern})`;
    where.push(sql`(search LIKE ${pattern} OR actor_id = ANY(${named}) OR on_behalf_of = ANY(${named}))`);
  }
  if (before) {
    // (at, stream, seq) < the cursor's, with this branch's stream fixed.
    if (stream < before.stream) where.push(sql`at <= ${before.at}`);
    else if (stream > before.stream) where.push(sql`at < ${before.at}`);
    else where.push(sql`(at, seq) < (${before.at}, ${before.seq})`);
  }
  return sql`(SELECT ${sql.lit(stream)}::text AS stream, seq, at, actor_id, on_behalf_of, action, target,
      outcome, client_ip, user_agent, count, details
    FROM ${sql.table(`${auditLogName(domain)}.entries`)}
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY at DESC, seq DESC
    ${limit === undefined ? sql`` : sql`LIMIT ${limit}`})`;
}

function emptyBranch() {
  return sql`(SELECT ''::text AS stream, 0::bigint AS seq, now() AS at, NULL::text AS actor_id,
    NULL::text AS on_behalf_of, ''::text AS action, ''::text AS target, 'ok'::text AS outcome,
    NULL::text AS client_ip, NULL::text AS user_agent, 1 AS count, '{}'::jsonb AS details WHERE false)`;
}

/** LIKE's wildcards and escape taken literally. */
function like(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}
