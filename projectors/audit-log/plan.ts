// What the rows of an audit log were built with: every event type's action and the fields its
// schema marks audit_shown, and the version of entry.ts's rules. Its hash is kept beside the
// rows (the plan table); a hub that finds another one rebuilds them from the log, so marking or
// unmarking a field changes every entry, old ones included, not only the next.
import { createHash } from 'node:crypto';
import { type DescMessage, getOption } from '@bufbuild/protobuf';
import type { Kysely } from 'kysely';
import { ENVELOPES } from '../../contracts/events.ts';
import { audit_shown } from '../../contracts/gen/hearth/common/v1/audit_pb.ts';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import { planOf } from './details.ts';
import { auditLogName } from './projection.ts';
import type { AuditLogDB } from './tables.ts';

/** Raise when entry.ts maps events to rows differently (targets, outcomes, actors, counts). */
export const ENTRY_RULES_VERSION = 2;

/** The marked fields of one message, as paths with their kinds, nested messages walked once. */
function marked(desc: DescMessage, prefix: string, seen: Set<string>, out: string[]): void {
  if (seen.has(desc.typeName)) return;
  seen.add(desc.typeName);
  for (const field of desc.fields) {
    if (!getOption(field, audit_shown)) continue;
    out.push(`${prefix}${field.name}:${field.fieldKind}${field.oneof ? `@${field.oneof.name}` : ''}`);
    const inner =
      field.fieldKind === 'message'
        ? field.message
        : field.fieldKind === 'list' && field.listKind === 'message'
          ? field.message
          : undefined;
    if (inner) marked(inner, `${prefix}${field.name}.`, seen, out);
  }
  seen.delete(desc.typeName);
}

/** Every event type of the domain's envelope, in field order, with its marked fields. */
export function planDescription(domain: Domain): string[] {
  const lines = [`rules ${ENTRY_RULES_VERSION}`];
  for (const field of ENVELOPES[domain].fields) {
    if (field.fieldKind !== 'message' || field.oneof === undefined) continue;
    planOf(field.message); // a mark the read model cannot show fails here
    const fields: string[] = [];
    marked(field.message, '', new Set(), fields);
    lines.push(`${domain}.${field.message.name} ${fields.join(' ')}`);
  }
  return lines;
}

export function planHash(domain: Domain): string {
  return createHash('sha256').update(planDescription(domain).join('\n')).digest('hex');
}

/** The hash the rows in `schema` were built with; undefined when none was written. */
export async function storedPlan(db: Kysely<unknown>, schema: string): Promise<string | undefined> {
  const row = await (db as Kysely<AuditLogDB>)
    .withSchema(schema)
    .selectFrom('plan')
    .select('hash')
    .executeTakeFirst();
  return row?.hash;
}

export async function writePlan(db: Kysely<unknown>, schema: string, hash: string): Promise<void> {
  await (db as Kysely<AuditLogDB>)
    .withSchema(schema)
    .insertInto('plan')
    .values({ hash })
    .onConflict((oc) => oc.column('one').doUpdateSet({ hash }))
    .execute();
}

/** True when the schema holds rows built with no recorded plan (before plans were kept). */
export async function hasEntries(db: Kysely<unknown>, schema: string): Promise<boolean> {
  const row = await (db as Kysely<AuditLogDB>)
    .withSchema(schema)
    .selectFrom('entries')
    .select('seq')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Rebuilds each stream's audit log whose rows were built with another plan (or with none
 * recorded, rows being there), then records the plan. Answers the read models it rebuilt.
 */
export async function ensurePlans({
  db,
  projectors,
}: {
  db: Kysely<unknown>;
  projectors: Pick<ProjectorRunner, 'rebuild'>;
}): Promise<string[]> {
  const rebuilt: string[] = [];
  for (const domain of DOMAINS) {
    const name = auditLogName(domain);
    const hash = planHash(domain);
    const stored = await storedPlan(db, name);
    if (stored === hash) continue;
    if (stored !== undefined || (await hasEntries(db, name))) {
      // A new plan shows different fields: the rebuild differs from the live one by design.
      const done = await projectors.rebuild(name, { acceptDifferences: true });
      if (done.status !== 'done') throw new Error(`rebuilding ${name} for its new plan: ${done.error}`);
      rebuilt.push(name);
    }
    await writePlan(db, name, hash);
  }
  return rebuilt;
}
