import type { ColumnType, Generated } from 'kysely';

/** One event of one stream, as the audit log shows it (contracts/audit.api.ts AuditEntry). */
export type EntryRow = {
  seq: ColumnType<string, number, number>;
  at: Date;
  actor_id: string | null;
  on_behalf_of: string | null;
  action: string;
  target: string;
  outcome: 'ok' | 'refused';
  client_ip: string | null;
  user_agent: string | null;
  count: number;
  /** Only the fields the event's schema marks audit_shown (details.ts). */
  details: ColumnType<Record<string, unknown>, string, string>;
  /** Lower-cased text q is matched against; Postgres computes it. */
  search: Generated<string>;
};

/** The hash of the plan the rows were built with (plan.ts); one row. */
export type PlanRow = { one: Generated<boolean>; hash: string };

export type AuditLogDB = { entries: EntryRow; plan: PlanRow };
