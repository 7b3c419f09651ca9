import { type Kysely, sql } from 'kysely';

// Frozen. Read models took their domain's name (users → identity_users, play → play_records,
// auth-sync → identity_access): an installation made before keeps its rows, checkpoints and
// dead letters under the new names instead of replaying the log into new schemas.
export const RENAMED: [from: string, to: string, domain: 'identity' | 'play'][] = [
  ['users', 'identity_users', 'identity'],
  ['play', 'play_records', 'play'],
  ['auth-sync', 'identity_access', 'identity'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [from, to] of RENAMED) {
    const { rows } = await sql<{ old: boolean; new: boolean }>`
      SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${from}) AS old,
             EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${to}) AS new`.execute(db);
    if (rows[0]?.old && !rows[0]?.new)
      await sql`ALTER SCHEMA ${sql.id(from)} RENAME TO ${sql.id(to)}`.execute(db);
    await sql`DROP SCHEMA IF EXISTS ${sql.id(`${from}__next`)} CASCADE`.execute(db);
    for (const table of ['checkpoints', 'rebuilds', 'dead_letters']) {
      await sql`UPDATE ${sql.table(`hearth.${table}`)} SET read_model = ${to} WHERE read_model = ${from}`.execute(
        db,
      );
    }
  }
}

export async function down(): Promise<void> {}
