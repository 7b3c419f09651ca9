// The audit read model: every event of every stream as one row (entry.ts). The runtime runs
// one projection per stream, so there is one per domain, each in its own schema
// (audit_log_<domain>) with the same table and code; the routes read them together
// (queries.ts). A batch is one INSERT of UNNESTed arrays, which the live worker sends without
// waiting for a reply (batchStatement in ../runtime/types.ts).
import { type CompiledQuery, sql } from 'kysely';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import { numberArray, textArray, timestampArray } from '../runtime/arrays.ts';
import type { AnyProjection, Projection, ProjectionContext, StoredEvent } from '../runtime/types.ts';
import { type Entry, toEntry } from './entry.ts';
import * as m20270110 from './migrations/20270110T1000_entries.ts';
import * as m20270301 from './migrations/20270301T1000_indexes_and_plan.ts';
import { planHash, writePlan } from './plan.ts';
import type { AuditLogDB } from './tables.ts';

export const auditLogName = (domain: Domain) => `audit_log_${domain}`;

export function auditLogProjection(domain: Domain): Projection<AuditLogDB> {
  return {
    name: auditLogName(domain),
    domain,
    migrations: { '20270110T1000_entries': m20270110, '20270301T1000_indexes_and_plan': m20270301 },
    // One entry per event, never touched again; the plan is no event's.
    lineage: { entries: { key: ['seq'], seq: 'seq' } },
    // Idempotent: an event already there is left as it is.
    apply: async (events, ctx) => {
      const statement = compile(domain, events, ctx, false);
      if (statement) await ctx.db.executeQuery(statement);
    },
    // A plain INSERT: a repeated event fails the batch, which then takes apply.
    batchStatement: (events, ctx) => compile(domain, events, ctx, true),
    // Entries of expired events are deleted (prune.ts): a rebuild replays what the log keeps.
    retainedOnly: true,
    // A version built now is built with the plan of marked fields this code has.
    prepareRebuild: ({ db, schema }) => writePlan(db, schema, planHash(domain)),
    // The plan says how the rows were built, not what the events say: a new version records
    // its own, which the live one may not have yet (plan.ts rebuilds on a change anyway):
    // the table is left out whole, its row count too.
    unverified: { plan: ['*'] },
  };
}

/** One per stream, in DOMAINS order. */
export const auditLogProjections: AnyProjection[] = DOMAINS.map(
  (domain) => auditLogProjection(domain) as unknown as AnyProjection,
);

function compile(
  domain: Domain,
  events: StoredEvent[],
  { db, schema }: ProjectionContext<AuditLogDB>,
  lean: boolean,
): CompiledQuery | null {
  if (events.length === 0) return null;
  const rows = events.map((e) => toEntry(domain, e));
  return insertEntries(schema, rows, lean).compile(db);
}

/** The INSERT of a batch of entries into one schema's table (the bench times it raw, too). */
export function insertEntries(schema: string, rows: Entry[], lean: boolean) {
  const t = (get: (r: Entry) => string | null) => sql`${textArray(rows, get)}::text[]`;
  return sql`
    INSERT INTO ${sql.table(`${schema}.entries`)} (seq, at, actor_id, on_behalf_of, action, target,
      outcome, client_ip, user_agent, count, details)
    SELECT * FROM unnest(${numberArray(rows, (r) => r.seq)}::bigint[],
      ${timestampArray(rows, (r) => r.at)}::timestamptz[], ${t((r) => r.actor_id)}, ${t((r) => r.on_behalf_of)},
      ${t((r) => r.action)}, ${t((r) => r.target)}, ${t((r) => r.outcome)}, ${t((r) => r.client_ip)},
      ${t((r) => r.user_agent)}, ${numberArray(rows, (r) => r.count)}::int[], ${t((r) => r.details)}::jsonb[])
    ${lean ? sql`` : sql`ON CONFLICT (seq) DO NOTHING`}`;
}
