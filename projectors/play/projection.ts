// The facts of play (rules, settings, matches, chores, challenges, rewards) as tables. Scores
// are not stored here: score/engine.ts computes them from these tables and play_activity, so
// a rebuild, a rule change and a preview can never disagree with the live numbers.
// A batch loads the rows its events touch, folds the events over them in log order, and
// writes each changed row once, one UNNEST statement per table.
import { type Kysely, sql } from 'kysely';
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../types.ts';
import * as m20261122 from './migrations/20261122T1905_play.ts';

export const PLAY = 'play';

type Event = StoredEvent<PlayEvent>;
type Db = Kysely<unknown>;

type MatchRow = {
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
type ChoreRow = {
  chore_id: string;
  title: string;
  points: number;
  recurrence: string;
  retired: boolean;
  defined_at: Date;
  seq: number;
};
type CompletionRow = {
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
type ChallengeRow = {
  challenge_id: string;
  title: string;
  week: string;
  metric: string;
  target: number;
  reward_xp: number;
  member_ids: string[];
  cancelled: boolean;
  created_by: string;
  created_at: Date;
  seq: number;
};
type RewardRow = { challenge_id: string; member_id: string; reward_xp: number; at: Date; seq: number };
type RulesRow = { version: number; rules: string; published_by: string; published_at: Date; seq: number };
type SettingsRow = { time_zone: string; hidden_member_ids: string[]; seq: number };

const pair = (a: string, b: string) => `${a}\u0000${b}`;

export const playProjection: Projection<unknown, PlayEvent> = {
  name: PLAY,
  domain: 'play',
  migrations: { '20261122T1905_play': m20261122 },
  apply: async (events, { db, schema }) => {
    const t = (name: string) => sql.table(`${schema}.${name}`);
    // Which rows the batch touches, and whether each must be read first. A row whose first
    // event here creates it needs no read: each subject is created once (the deciders see to
    // it), and marking a chore done starts its completion afresh.
    const matchIds = new Map<string, boolean>();
    const choreIds = new Set<string>();
    const completionKeys = new Map<string, { ids: [string, string]; read: boolean }>();
    const challengeIds = new Map<string, boolean>();
    const first = (map: Map<string, boolean>, id: string, creates: boolean) => {
      if (!map.has(id)) map.set(id, !creates);
    };
    for (const { event } of events) {
      const v = event.value as Partial<
        Record<'matchId' | 'choreId' | 'completionId' | 'challengeId', string>
      >;
      if (event.case?.startsWith('match') && v.matchId)
        first(matchIds, v.matchId, event.case === 'matchReported');
      if (event.case === 'choreDefined' || event.case === 'choreRetired') choreIds.add(v.choreId as string);
      if (v.completionId && v.choreId) {
        const k = pair(v.choreId, v.completionId);
        if (!completionKeys.has(k))
          completionKeys.set(k, { ids: [v.choreId, v.completionId], read: event.case !== 'choreMarkedDone' });
      }
      if (event.case === 'challengeCreated' || event.case === 'challengeCancelled')
        first(challengeIds, v.challengeId as string, event.case === 'challengeCreated');
    }
    const toRead = (map: Map<string, boolean>) => [...map].filter(([, read]) => read).map(([id]) => id);
    const matchReads = toRead(matchIds);
    const challengeReads = toRead(challengeIds);
    const completionReads = [...completionKeys.values()].filter((c) => c.read).map((c) => c.ids);
    const [matches, chores, completions, challenges] = await Promise.all([
      load<MatchRow>(
        db,
        sql`SELECT * FROM ${t('matches')} WHERE match_id = ANY(${matchReads}::text[])`,
        (r) => r.match_id,
        matchReads.length === 0,
      ),
      load<ChoreRow>(
        db,
        sql`SELECT * FROM ${t('chores')} WHERE chore_id = ANY(${[...choreIds]}::text[])`,
        (r) => r.chore_id,
        choreIds.size === 0,
      ),
      load<CompletionRow>(
        db,
        // Both keys as index conditions: a join against the list may scan a table without statistics.
        sql`SELECT * FROM ${t('completions')}
          WHERE chore_id = ANY(${[...new Set(completionReads.map((k) => k[0]))]}::text[])
            AND completion_id = ANY(${completionReads.map((k) => k[1])}::text[])`,
        (r) => pair(r.chore_id, r.completion_id),
        completionReads.length === 0,
      ),
      load<ChallengeRow>(
        db,
        sql`SELECT * FROM ${t('challenges')} WHERE challenge_id = ANY(${challengeReads}::text[])`,
        (r) => r.challenge_id,
        challengeReads.length === 0,
      ),
    ]);
    const changed = {
      matches: new Set<string>(),
      chores: new Set<string>(),
      completions: new Set<string>(),
      challenges: new Set<string>(),
    };
    const rewards: RewardRow[] = [];
    const rules: RulesRow[] = [];
    let settings: SettingsRow | undefined;

    for (const e of events) fold(e);
    await Promise.all([
      writeMatches(
        db,
        t,
        [...changed.matches].map((k) => matches.get(k) as MatchRow),
      ),
      writeChores(
        db,
        t,
        [...changed.chores].map((k) => chores.get(k) as ChoreRow),
      ),
      writeCompletions(
        db,
        t,
        [...changed.completions].map((k) => completions.get(k) as CompletionRow),
      ),
      writeChallenges(
        db,
        t,
        [...changed.challenges].map((k) => challenges.get(k) as ChallengeRow),
      ),
      writeRewards(db, t, rewards),
      writeRules(db, t, rules),
      settings && writeSettings(db, t, settings),
    ]);

    function fold({ event, seq, occurredAt: at }: Event) {
      const onMatch = (id: string, change: (row: MatchRow) => MatchRow | undefined) => {
        const row = matches.get(id);
        const next = row && change(row);
        if (next) {
          matches.set(id, { ...next, seq });
          changed.matches.add(id);
        }
      };
      const onCompletion = (choreId: string, id: string, change: (row: CompletionRow) => CompletionRow) => {
        const k = pair(choreId, id);
        const row = completions.get(k);
        if (!row) return;
        completions.set(k, { ...change(row), seq });
        changed.completions.add(k);
      };
      switch (event.case) {
        case 'rulesPublished':
          rules.push({
            version: event.value.version,
            rules: event.value.rulesJson,
            published_by: event.value.publishedBy,
            published_at: at,
            seq,
          });
          return;
        case 'settingsChanged':
          settings = {
            time_zone: event.value.timeZone,
            hidden_member_ids: [...event.value.hiddenMemberIds],
            seq,
          };
          return;
        case 'matchReported': {
          const v = event.value;
          if (matches.has(v.matchId)) return;
          matches.set(v.matchId, {
            match_id: v.matchId,
            game: v.game,
            game_name: v.gameName,
            placements: v.placements.map((p) => ({ user_id: p.userId, place: p.place })),
            player_ids: v.placements.map((p) => p.userId),
            confirmed_by: [],
            reported_by: v.reportedBy,
            reported_at: at,
            expires_at: v.expiresAt ? new Date(Number(v.expiresAt.seconds) * 1000) : at,
            status: 'reported',
            settled_seq: null,
            settled_at: null,
            settled_by_admin: null,
            closed_by: null,
            closed_at: null,
            reason: null,
            seq,
          });
          changed.matches.add(v.matchId);
          return;
        }
        case 'matchConfirmed': {
          const by = event.value.confirmedBy;
          onMatch(event.value.matchId, (r) =>
            r.confirmed_by.includes(by) ? undefined : { ...r, confirmed_by: [...r.confirmed_by, by] },
          );
          return;
        }
        case 'matchSettled':
          onMatch(event.value.matchId, (r) => ({
            ...r,
            status: 'settled',
            settled_seq: seq,
            settled_at: at,
            settled_by_admin: event.value.settledByAdmin || null,
          }));
          return;
        case 'matchRejected':
          onMatch(event.value.matchId, (r) => ({
            ...r,
            status: 'rejected',
            closed_by: event.value.rejectedBy,
            closed_at: at,
          }));
          return;
        case 'matchVoided':
          onMatch(event.value.matchId, (r) => ({
            ...r,
            status: 'voided',
            closed_by: event.value.voidedBy,
            closed_at: at,
            reason: event.value.reason || null,
          }));
          return;
        case 'choreDefined': {
          const v = event.value;
          const was = chores.get(v.choreId);
          chores.set(v.choreId, {
            chore_id: v.choreId,
            title: v.title,
            points: v.points,
            recurrence: v.recurrence,
            retired: was?.retired ?? false,
            defined_at: was?.defined_at ?? at,
            seq,
          });
          changed.chores.add(v.choreId);
          return;
        }
        case 'choreRetired': {
          const was = chores.get(event.value.choreId);
          if (!was) return;
          chores.set(event.value.choreId, { ...was, retired: true, seq });
          changed.chores.add(event.value.choreId);
          return;
        }
        case 'choreMarkedDone': {
          // After a rejection the same completion can be marked done again: it starts over.
          const v = event.value;
          const k = pair(v.choreId, v.completionId);
          completions.set(k, {
            chore_id: v.choreId,
            completion_id: v.completionId,
            member_id: v.memberId,
            period: v.period,
            points: v.points,
            photo_id: v.photoId || null,
            note: v.note || null,
            status: 'pending',
            marked_at: at,
            decided_by: null,
            decided_at: null,
            approved_seq: null,
            reason: null,
            seq,
          });
          changed.completions.add(k);
          return;
        }
        case 'choreApproved':
          onCompletion(event.value.choreId, event.value.completionId, (r) => ({
            ...r,
            status: 'approved',
            decided_by: event.value.approvedBy,
            decided_at: at,
            approved_seq: seq,
          }));
          return;
        case 'choreRejected':
          onCompletion(event.value.choreId, event.value.completionId, (r) => ({
            ...r,
            status: 'rejected',
            decided_by: event.value.rejectedBy,
            decided_at: at,
            approved_seq: null,
            reason: event.value.reason || null,
          }));
          return;
        case 'challengeCreated': {
          const v = event.value;
          if (challenges.has(v.challengeId)) return;
          challenges.set(v.challengeId, {
            challenge_id: v.challengeId,
            title: v.title,
            week: v.week,
            metric: v.metric,
            target: v.target,
            reward_xp: v.rewardXp,
            member_ids: [...v.memberIds],
            cancelled: false,
            created_by: v.createdBy,
            created_at: at,
            seq,
          });
          changed.challenges.add(v.challengeId);
          return;
        }
        case 'challengeCancelled': {
          const was = challenges.get(event.value.challengeId);
          if (!was) return;
          challenges.set(event.value.challengeId, { ...was, cancelled: true, seq });
          changed.challenges.add(event.value.challengeId);
          return;
        }
        case 'challengeCompleted':
          rewards.push({
            challenge_id: event.value.challengeId,
            member_id: event.value.memberId,
            reward_xp: event.value.rewardXp,
            at,
            seq,
          });
          return;
        default:
          return;
      }
    }
  },
};

async function load<R extends { seq: number | string }>(
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

type Table = (name: string) => ReturnType<typeof sql.table>;
const col = <R, K extends keyof R>(rows: R[], k: K) => rows.map((r) => r[k]);
const json = <R, K extends keyof R>(rows: R[], k: K) => rows.map((r) => JSON.stringify(r[k]));
// text[] columns cannot ride in an UNNEST of arrays (no ragged arrays): they travel joined.
// Ids are subject tokens ([A-Za-z0-9_-]), so a comma joins them unambiguously.
const joined = <R, K extends keyof R>(rows: R[], k: K) => rows.map((r) => (r[k] as string[]).join(','));
const textArray = (column: string) =>
  sql.raw(`coalesce(string_to_array(nullif(t.${column}, ''), ','), '{}')`);

async function writeMatches(db: Db, t: Table, rows: MatchRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('matches')} (match_id, game, game_name, placements, player_ids, confirmed_by, reported_by,
      reported_at, expires_at, status, settled_seq, settled_at, settled_by_admin, closed_by, closed_at, reason, seq)
    SELECT t.match_id, t.game, t.game_name, t.placements, ${textArray('player_ids')}, ${textArray('confirmed_by')},
      t.reported_by, t.reported_at, t.expires_at, t.status, t.settled_seq, t.settled_at, t.settled_by_admin,
      t.closed_by, t.closed_at, t.reason, t.seq
    FROM unnest(${col(rows, 'match_id')}::text[], ${col(rows, 'game')}::text[], ${col(rows, 'game_name')}::text[],
      ${json(rows, 'placements')}::jsonb[], ${joined(rows, 'player_ids')}::text[], ${joined(rows, 'confirmed_by')}::text[],
      ${col(rows, 'reported_by')}::text[], ${col(rows, 'reported_at')}::timestamptz[],
      ${col(rows, 'expires_at')}::timestamptz[], ${col(rows, 'status')}::text[], ${col(rows, 'settled_seq')}::bigint[],
      ${col(rows, 'settled_at')}::timestamptz[], ${col(rows, 'settled_by_admin')}::text[],
      ${col(rows, 'closed_by')}::text[], ${col(rows, 'closed_at')}::timestamptz[], ${col(rows, 'reason')}::text[],
      ${col(rows, 'seq')}::bigint[])
      AS t(match_id, game, game_name, placements, player_ids, confirmed_by, reported_by, reported_at, expires_at,
        status, settled_seq, settled_at, settled_by_admin, closed_by, closed_at, reason, seq)
    ON CONFLICT (match_id) DO UPDATE SET confirmed_by = excluded.confirmed_by, status = excluded.status,
      settled_seq = excluded.settled_seq, settled_at = excluded.settled_at,
      settled_by_admin = excluded.settled_by_admin, closed_by = excluded.closed_by, closed_at = excluded.closed_at,
      reason = excluded.reason, seq = excluded.seq`.execute(db);
}

async function writeChores(db: Db, t: Table, rows: ChoreRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('chores')} (chore_id, title, points, recurrence, retired, defined_at, seq)
    SELECT * FROM unnest(${col(rows, 'chore_id')}::text[], ${col(rows, 'title')}::text[], ${col(rows, 'points')}::int[],
      ${col(rows, 'recurrence')}::text[], ${col(rows, 'retired')}::boolean[], ${col(rows, 'defined_at')}::timestamptz[],
      ${col(rows, 'seq')}::bigint[])
    ON CONFLICT (chore_id) DO UPDATE SET title = excluded.title, points = excluded.points,
      recurrence = excluded.recurrence, retired = excluded.retired, seq = excluded.seq`.execute(db);
}

async function writeCompletions(db: Db, t: Table, rows: CompletionRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('completions')} (chore_id, completion_id, member_id, period, points, photo_id, note, status,
      marked_at, decided_by, decided_at, approved_seq, reason, seq)
    SELECT * FROM unnest(${col(rows, 'chore_id')}::text[], ${col(rows, 'completion_id')}::text[],
      ${col(rows, 'member_id')}::text[], ${col(rows, 'period')}::text[], ${col(rows, 'points')}::int[],
      ${col(rows, 'photo_id')}::text[], ${col(rows, 'note')}::text[], ${col(rows, 'status')}::text[],
      ${col(rows, 'marked_at')}::timestamptz[], ${col(rows, 'decided_by')}::text[],
      ${col(rows, 'decided_at')}::timestamptz[], ${col(rows, 'approved_seq')}::bigint[], ${col(rows, 'reason')}::text[],
      ${col(rows, 'seq')}::bigint[])
    ON CONFLICT (chore_id, completion_id) DO UPDATE SET member_id = excluded.member_id, period = excluded.period,
      points = excluded.points, photo_id = excluded.photo_id, note = excluded.note, status = excluded.status,
      marked_at = excluded.marked_at, decided_by = excluded.decided_by, decided_at = excluded.decided_at,
      approved_seq = excluded.approved_seq, reason = excluded.reason, seq = excluded.seq`.execute(db);
}

async function writeChallenges(db: Db, t: Table, rows: ChallengeRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('challenges')} (challenge_id, title, week, metric, target, reward_xp, member_ids, cancelled,
      created_by, created_at, seq)
    SELECT t.challenge_id, t.title, t.week, t.metric, t.target, t.reward_xp, ${textArray('member_ids')}, t.cancelled,
      t.created_by, t.created_at, t.seq
    FROM unnest(${col(rows, 'challenge_id')}::text[], ${col(rows, 'title')}::text[], ${col(rows, 'week')}::text[],
      ${col(rows, 'metric')}::text[], ${col(rows, 'target')}::int[], ${col(rows, 'reward_xp')}::int[],
      ${joined(rows, 'member_ids')}::text[], ${col(rows, 'cancelled')}::boolean[], ${col(rows, 'created_by')}::text[],
      ${col(rows, 'created_at')}::timestamptz[], ${col(rows, 'seq')}::bigint[])
      AS t(challenge_id, title, week, metric, target, reward_xp, member_ids, cancelled, created_by, created_at, seq)
    ON CONFLICT (challenge_id) DO UPDATE SET cancelled = excluded.cancelled, seq = excluded.seq`.execute(db);
}

async function writeRewards(db: Db, t: Table, rows: RewardRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('rewards')} (challenge_id, member_id, reward_xp, at, seq)
    SELECT * FROM unnest(${col(rows, 'challenge_id')}::text[], ${col(rows, 'member_id')}::text[],
      ${col(rows, 'reward_xp')}::int[], ${col(rows, 'at')}::timestamptz[], ${col(rows, 'seq')}::bigint[])
    ON CONFLICT (challenge_id, member_id) DO NOTHING`.execute(db);
}

async function writeRules(db: Db, t: Table, rows: RulesRow[]) {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ${t('rules')} (version, rules, published_by, published_at, seq)
    SELECT * FROM unnest(${col(rows, 'version')}::int[], ${col(rows, 'rules')}::jsonb[],
      ${col(rows, 'published_by')}::text[], ${col(rows, 'published_at')}::timestamptz[], ${col(rows, 'seq')}::bigint[])
    ON CONFLICT (version) DO NOTHING`.execute(db);
}

async function writeSettings(db: Db, t: Table, row: SettingsRow) {
  await sql`
    INSERT INTO ${t('settings')} (id, time_zone, hidden_member_ids, seq)
    VALUES (1, ${row.time_zone}, ${row.hidden_member_ids}::text[], ${row.seq})
    ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, hidden_member_ids = excluded.hidden_member_ids,
      seq = excluded.seq`.execute(db);
}
