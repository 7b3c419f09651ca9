// A member's erasure as the read models of the chat, media, play and preferences streams meet it: one
// MemberErased under `<domain>.erasure.<member>` (writers/log/erasure.ts), after their key is
// gone. A read model blanks what it copied of their personal fields there, to what a rebuild
// writes from the shredded events, so a batch is applied in log order around each erasure:
// what came before it is blanked, what comes after is not touched by it. The read model's
// baselines are blanked too (blankBaselines).
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { baselineSchema, copyName, listBaselines } from './baseline.ts';
import type { StoredEvent } from './types.ts';

type Body = { case?: string; value?: unknown };

/** The member an event erases, or undefined for every other event. */
export function erasedMember(e: StoredEvent): string | undefined {
  const event = e.event as Body;
  return event.case === 'memberErased' ? (event.value as { memberId: string }).memberId : undefined;
}

export const hasErasure = (events: StoredEvent[]): boolean =>
  events.some((e) => erasedMember(e) !== undefined);

/**
 * Applies a batch that may hold erasures: each run of other events with `run`, each erasure
 * with `erase`, in log order. A batch with none is one run.
 */
export async function aroundErasures<T extends StoredEvent>(
  events: T[],
  run: (events: T[]) => Promise<void>,
  erase: (memberId: string, e: T) => Promise<void>,
): Promise<void> {
  let from = 0;
  for (let i = 0; i < events.length; i++) {
    const member = erasedMember(events[i] as T);
    if (member === undefined) continue;
    if (i > from) await run(events.slice(from, i));
    await erase(member, events[i] as T);
    from = i + 1;
  }
  if (from < events.length) await run(from === 0 ? events : events.slice(from));
}

/**
 * What a read model copied of members' personal fields, table by table: the columns to blank
 * (to what a rebuild writes) or the rows to remove, where `member` names the member, and
 * `where` when only some of their rows hold them.
 */
export type PersonalCopy = {
  table: string;
  member: string;
  where?: RawBuilder<unknown>;
} & ({ blank: Record<string, RawBuilder<unknown>> } | { remove: true });

/**
 * Blanks the member in the read model's tables (in `schema`: the live one, or the version a
 * rebuild is writing) and in its baselines.
 */
export async function blankMember(
  db: Kysely<unknown>,
  at: { readModel: string; schema: string },
  memberId: string,
  copies: PersonalCopy[],
): Promise<void> {
  for (const copy of copies) {
    const target = sql.table(`${at.schema}.${copy.table}`);
    const where = whereMember(copy, memberId);
    if ('remove' in copy) await sql`DELETE FROM ${target} WHERE ${where}`.execute(db);
    else
      await sql`UPDATE ${target} SET ${assignments(Object.entries(copy.blank))} WHERE ${where}`.execute(db);
  }
  await blankBaselines(db, at.readModel, memberId, copies);
}

const whereMember = (copy: PersonalCopy, memberId: string) =>
  sql`${sql.ref(copy.member)} = ${memberId}${copy.where ? sql` AND (${copy.where})` : sql``}`;

const assignments = (sets: [string, RawBuilder<unknown>][]) =>
  sql.join(sets.map(([column, value]) => sql`${sql.ref(column)} = ${value}`));

/**
 * Blanks the member in the read model's baselines (baseline.ts): a copy of its tables that
 * outlives the events it sums up must not keep what the erasure took. Only the columns a copy
 * has are set (one taken before a migration lacks the newer ones). A copy taken after the
 * erasure holds the blanks already; one taken before it is blanked here, and a rebuild from it
 * still meets the erasure and writes what the live model wrote.
 */
export async function blankBaselines(
  db: Kysely<unknown>,
  readModel: string,
  memberId: string,
  copies: PersonalCopy[],
): Promise<void> {
  const schema = baselineSchema(readModel);
  for (const baseline of await listBaselines(db, readModel)) {
    for (const copy of copies) {
      if (!baseline.tables.includes(copy.table)) continue;
      const table = copyName(baseline.id, copy.table);
      const target = sql.id(schema, table);
      const where = whereMember(copy, memberId);
      if ('remove' in copy) {
        await sql`DELETE FROM ${target} WHERE ${where}`.execute(db);
        continue;
      }
      const { rows } = await sql<{ column_name: string }>`
        SELECT column_name FROM information_schema.columns
        WHERE table_schema = ${schema} AND table_name = ${table}`.execute(db);
      const present = new Set(rows.map((r) => r.column_name));
      const sets = Object.entries(copy.blank).filter(([column]) => present.has(column));
      if (sets.length === 0) continue;
      await sql`UPDATE ${target} SET ${assignments(sets)} WHERE ${where}`.execute(db);
    }
  }
}
