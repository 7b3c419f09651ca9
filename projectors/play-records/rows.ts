// The play tables' rows, how a batch reads them, and how it writes each changed row once:
// one UNNEST statement per table.
import { type Kysely, sql } from 'kysely';
import { booleanArray, numberArray, textArray, timestampArray } from '../runtime/arrays.ts';

type Db = Kysely<unknown>;

export type MatchRow = {
  match_id: string;
  game: string;
  game_name: string;
  placements: { user_id: string; place: number }[];
  player_ids: string[];
  confirmed_by: string[];
  reported_by: string;
  reported_at: Date;
  expires_at: Date;
  status: string;
  settled_seq: number | null;
  settled_at: Date | null;
  settled_by_admin: string | null;
  closed_by: string | null;
  closed_at: Date | null;
  reason: string | null;
  seq: number;
};
export type ChoreRow = {
  chore_id: string;
  title: string;
  points: number;
  recurrence: string;
  retired: boolean;
  defined_at: Date;
  seq: number;
};
export type CompletionRow = {
  chore_id: string;
  completion_id: string;
  member_id: string;
  period: string;
  points: number;
  photo_id: string | null;
  note: string | null;
  status: string;
  marked_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  approved_seq: number | null;
  reason: string | null;
  seq: number;
};
export type ChallengeRow = {
  challenge_id: string;
  title: string;
  week: string;
  metric: string;
  target: number;
  reward_xp: number;
  member_ids: string[];
  cancelled: boolean;
  /** Progress counts from here; null: the whole week. */
  starts_at: Date | null;
  created_by: string;
  created_at: Date;
  seq: number;
};
export type RewardRow = { challenge_id: string; member_id: string; reward_xp: number; at: Date; seq: number };
export type RulesRow = {
  version: number;
  rules: string;
  published_by: string;
  published_at: Date;
  seq: number;
};
export type SettingsRow = { time_zone: string; hidden_member_ids: string[]; seq: number };

export async function load<R extends { seq: number | string }>(
  db: Db,
  query: ReturnType<typeof sql>,
  key: (row: R) => string,
  skip = false,
): Promise<Map<string, R>> {
  const out = new Map<string, R>();
  if (skip) return out;
  for (const row of (await (query as ReturnType<typeof sql<R>>).execute(db)).rows) {
    out.set(key(row), row);
  }
  return out;
}

export type Table = (name: string) => ReturnType<typeof sql.table>;
// One array literal per column, read straight off the rows (see runtime/arrays.ts).
type Key<R, V> = { [K in keyof R]: R[K] extends V ? K : never }[keyof R];
const text = <R>(rows: R[], k: Key<R, string | null>) => textArray(rows, (r) => r[k] as string | null);
// Rows read back carry bigint columns as strings (pg's default): Number makes both forms one.
const num = <R>(rows: R[], k: Key<R, number | null>) =>
  numberArray(rows, (r) => (r[k] === null ? null : Number(r[k])));
const ts = <R>(rows: R[], k: Key<R, Date | null>) => timestampArray(rows, (r) => r[k] as Date | null);
const bool = <R>(rows: R[], k: Key<R, boolean>) => booleanArray(rows, (r) => r[k] as boolean);
const json = <R>(rows: R[], k: keyof R) => textArray(rows, (r) => JSON.stringify(r[k]));
// text[] columns cannot ride in an UNNEST of arrays (no ragged arrays): they travel joined.
// Ids are subject tokens ([A-Za-z0-9_-]), so a comma joins them unambiguously.
const joined = <R>(rows: R[], k: Key<R, string[]>) => textArray(rows, (r) => (r[k] as string[]).join(','));
const splitText = (column: string) =>
  sql.raw(`coalesce(string_to_array(nullif(t.${column}, ''), ','), '{}')`);

export async function writeMatches(db: Db, t: Table, rows: MatchRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('matches')} (match_id, game, game_name, placements, player_ids, confirmed_by, reported_by,
      reported_at, expires_at, status, settled_seq, settled_at, settled_by_admin, closed_by, closed_at, reason, seq)
    SELECT t.match_id, t.game, t.game_name, t.placements, ${splitText('player_ids')}, ${splitText('confirmed_by')},
      t.reported_by, t.reported_at, t.expires_at, t.status, t.settled_seq, t.settled_at, t.settled_by_admin,
      t.closed_by, t.closed_at, t.reason, t.seq
    FROM unnest(${text(rows, 'match_id')}::text[], ${text(rows, 'game')}::text[], ${text(rows, 'game_name')}::text[],
      ${json(rows, 'placements')}::jsonb[], ${joined(rows, 'player_ids')}::text[], ${joined(rows, 'confirmed_by')}::text[],
      ${text(rows, 'reported_by')}::text[], ${ts(rows, 'reported_at')}::timestamptz[],
      ${ts(rows, 'expires_at')}::timestamptz[], ${text(rows, 'status')}::text[], ${num(rows, 'settled_seq')}::bigint[],
      ${ts(rows, 'settled_at')}::timestamptz[], ${text(rows, 'settled_by_admin')}::text[],
      ${text(rows, 'closed_by')}::text[], ${ts(rows, 'closed_at')}::timestamptz[], ${text(rows, 'reason')}::text[],
      ${num(rows, 'seq')}::bigint[])
      AS t(match_id, game, game_name, placements, player_ids, confirmed_by, reported_by, reported_at, expires_at,
        status, settled_seq, settled_at, settled_by_admin, closed_by, closed_at, reason, seq)
    ON CONFLICT (match_id) DO UPDATE SET confirmed_by = excluded.confirmed_by, status = excluded.status,
      settled_seq = excluded.settled_seq, settled_at = excluded.settled_at,
      settled_by_admin = excluded.settled_by_admin, closed_by = excluded.closed_by, closed_at = excluded.closed_at,
      reason = excluded.reason, seq = excluded.seq`.execute(db);
}

export async function writeChores(db: Db, t: Table, rows: ChoreRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('chores')} (chore_id, title, points, recurrence, retired, defined_at, seq)
    SELECT * FROM unnest(${text(rows, 'chore_id')}::text[], ${text(rows, 'title')}::text[], ${num(rows, 'points')}::int[],
      ${text(rows, 'recurrence')}::text[], ${bool(rows, 'retired')}::boolean[], ${ts(rows, 'defined_at')}::timestamptz[],
      ${num(rows, 'seq')}::bigint[])
    ON CONFLICT (chore_id) DO UPDATE SET title = excluded.title, points = excluded.points,
      recurrence = excluded.recurrence, retired = excluded.retired, seq = excluded.seq`.execute(db);
}

export async function writeCompletions(db: Db, t: Table, rows: CompletionRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('completions')} (chore_id, completion_id, member_id, period, points, photo_id, note, status,
      marked_at, decided_by, decided_at, approved_seq, reason, seq)
    SELECT * FROM unnest(${text(rows, 'chore_id')}::text[], ${text(rows, 'completion_id')}::text[],
      ${text(rows, 'member_id')}::text[], ${text(rows, 'period')}::text[], ${num(rows, 'points')}::int[],
      ${text(rows, 'photo_id')}::text[], ${text(rows, 'note')}::text[], ${text(rows, 'status')}::text[],
      ${ts(rows, 'marked_at')}::timestamptz[], ${text(rows, 'decided_by')}::text[],
      ${ts(rows, 'decided_at')}::timestamptz[], ${num(rows, 'approved_seq')}::bigint[], ${text(rows, 'reason')}::text[],
      ${num(rows, 'seq')}::bigint[])
    ON CONFLICT (chore_id, completion_id) DO UPDATE SET member_id = excluded.member_id, period = excluded.period,
      points = excluded.points, photo_id = excluded.photo_id, note = excluded.note, status = excluded.status,
      marked_at = excluded.marked_at, decided_by = excluded.decided_by, decided_at = excluded.decided_at,
      approved_seq = excluded.approved_seq, reason = excluded.reason, seq = excluded.seq`.execute(db);
}

export async function writeChallenges(db: Db, t: Table, rows: ChallengeRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('challenges')} (challenge_id, title, week, metric, target, reward_xp, member_ids, cancelled,
      starts_at, created_by, created_at, seq)
    SELECT t.challenge_id, t.title, t.week, t.metric, t.target, t.reward_xp, ${splitText('member_ids')}, t.cancelled,
      t.starts_at, t.created_by, t.created_at, t.seq
    FROM unnest(${text(rows, 'challenge_id')}::text[], ${text(rows, 'title')}::text[], ${text(rows, 'week')}::text[],
      ${text(rows, 'metric')}::text[], ${num(rows, 'target')}::int[], ${num(rows, 'reward_xp')}::int[],
      ${joined(rows, 'member_ids')}::text[], ${bool(rows, 'cancelled')}::boolean[], ${ts(rows, 'starts_at')}::timestamptz[],
      ${text(rows, 'created_by')}::text[], ${ts(rows, 'created_at')}::timestamptz[], ${num(rows, 'seq')}::bigint[])
      AS t(challenge_id, title, week, metric, target, reward_xp, member_ids, cancelled, starts_at, created_by, created_at, seq)
    ON CONFLICT (challenge_id) DO UPDATE SET cancelled = excluded.cancelled, seq = excluded.seq`.execute(db);
}

export async function writeRewards(db: Db, t: Table, rows: RewardRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('rewards')} (challenge_id, member_id, reward_xp, at, seq)
    SELECT * FROM unnest(${text(rows, 'challenge_id')}::text[], ${text(rows, 'member_id')}::text[],
      ${num(rows, 'reward_xp')}::int[], ${ts(rows, 'at')}::timestamptz[], ${num(rows, 'seq')}::bigint[])
    ON CONFLICT (challenge_id, member_id) DO NOTHING`.execute(db);
}

export async function writeRules(db: Db, t: Table, rows: RulesRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('rules')} (version, rules, published_by, published_at, seq)
    SELECT * FROM unnest(${num(rows, 'version')}::int[], ${text(rows, 'rules')}::jsonb[],
      ${text(rows, 'published_by')}::text[], ${ts(rows, 'published_at')}::timestamptz[], ${num(rows, 'seq')}::bigint[])
    ON CONFLICT (version) DO NOTHING`.execute(db);
}

export async function writeSettings(db: Db, t: Table, row: SettingsRow) {
  await sql`
    INSERT INTO ${t('settings')} (id, time_zone, hidden_member_ids, seq)
    VALUES (1, ${row.time_zone}, ${row.hidden_member_ids}::text[], ${row.seq})
    ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, hidden_member_ids = excluded.hidden_member_ids,
      seq = excluded.seq`.execute(db);
}
