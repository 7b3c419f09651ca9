// Reads what the engine scores from the play and play_activity read models (and the family
// from the users read model). Read-only; each query reads one consistent snapshot.
import { type Kysely, sql } from 'kysely';
import { DEFAULT_RULES, type RuleSet } from '../../contracts/play.schema.ts';
import type { PlayFacts } from './engine.ts';

export type PlaySettings = { timeZone: string; hiddenMemberIds: string[] };
export type CurrentRules = {
  version: number;
  rules: RuleSet;
  publishedAt: string | null;
  publishedBy: string | null;
};

export async function currentRules(db: Kysely<unknown>, schema = 'play_records'): Promise<CurrentRules> {
  const row = (
    await sql<{ version: number; rules: RuleSet; published_at: Date; published_by: string }>`
      SELECT version, rules, published_at, published_by FROM ${sql.table(`${schema}.rules`)}
      ORDER BY version DESC LIMIT 1`.execute(db)
  ).rows[0];
  if (!row) return { version: 1, rules: DEFAULT_RULES, publishedAt: null, publishedBy: null };
  return {
    version: row.version,
    rules: row.rules,
    publishedAt: row.published_at.toISOString(),
    publishedBy: row.published_by,
  };
}

export async function currentSettings(db: Kysely<unknown>, schema = 'play_records'): Promise<PlaySettings> {
  const row = (
    await sql<{ time_zone: string; hidden_member_ids: string[] }>`
      SELECT time_zone, hidden_member_ids FROM ${sql.table(`${schema}.settings`)} WHERE id = 1`.execute(db)
  ).rows[0];
  return row
    ? { timeZone: row.time_zone, hiddenMemberIds: row.hidden_member_ids }
    : { timeZone: 'UTC', hiddenMemberIds: [] };
}

type Schemas = { play: string; activity: string; media?: string };
/** No message rule pays for more in a day than this (postgres' largest array index). */
const MAX_PER_DAY = 2_147_483_647;
const LIVE: Schemas = { play: 'play_records', activity: 'play_activity', media: 'play_activity_media' };

/** Everything the engine needs, with message days counted in the family's time zone. */
export async function loadFacts(
  db: Kysely<unknown>,
  { rules, schemas = LIVE }: { rules: RuleSet; schemas?: Schemas },
): Promise<PlayFacts> {
  const settings = await currentSettings(db, schemas.play);
  const tz = settings.timeZone;
  const p = (t: string) => sql.table(`${schemas.play}.${t}`);
  const a = (t: string) => sql.table(`${schemas.activity}.${t}`);
  const media = sql.table(`${schemas.media ?? 'play_activity_media'}.shared`);
  const thresholds = [
    ...new Set(rules.achievements.filter((r) => r.metric === 'messages_sent').map((r) => r.threshold)),
  ];
  // How many of a day's messages XP can pay for: the engine grants them one by one.
  const payable = Math.max(
    0,
    ...rules.xp
      .filter((r) => r.on === 'message_posted' && (r.xp ?? 0) > 0)
      .map((r) => (r.daily_cap === undefined ? MAX_PER_DAY : Math.ceil(r.daily_cap / (r.xp ?? 1)))),
  );
  const [members, days, counted, milestones, matches, chores, rewards, challenges, sinceStart, shared] =
    await Promise.all([
      sql<{ id: string; name: string }>`
      SELECT id, name FROM identity_users.users WHERE NOT banned ORDER BY registered_at, id`.execute(db),
      sql<{ member_id: string; day: string; messages: number; unique: number; first_at: Date }>`
      SELECT member_id, to_char(day, 'YYYY-MM-DD') AS day, sum(messages)::int AS messages,
        sum(unique_messages)::int AS unique, min(first_at) AS first_at
      FROM (SELECT *, (bucket AT TIME ZONE ${tz})::date AS day FROM ${a('buckets')}) b
      GROUP BY member_id, b.day HAVING sum(messages) > 0 ORDER BY 1, 2`.execute(db),
      payable === 0
        ? { rows: [] as { member_id: string; day: string; seqs: string[]; ats: string[] }[] }
        : sql<{ member_id: string; day: string; seqs: string[]; ats: string[] }>`
          SELECT member_id, to_char(day, 'YYYY-MM-DD') AS day, (array_agg(seq ORDER BY seq))[1:${payable}] AS seqs,
            (array_agg(ms ORDER BY seq))[1:${payable}] AS ats
          FROM (
            SELECT member_id, seq, (extract(epoch FROM at) * 1000)::bigint AS ms, (at AT TIME ZONE ${tz})::date AS day
            FROM ${a('messages')} WHERE NOT repeat AND NOT deleted) m
          GROUP BY member_id, m.day`.execute(db),
      thresholds.length === 0
        ? { rows: [] as { member_id: string; n: number; at: Date }[] }
        : // One index walk per member and threshold, instead of numbering every message.
          sql<{ member_id: string; n: number; at: Date }>`
          SELECT m.member_id, t.n::int AS n, x.at
          FROM (SELECT DISTINCT member_id FROM ${a('buckets')}) m
          CROSS JOIN unnest(${thresholds}::int[]) AS t(n)
          CROSS JOIN LATERAL (
            SELECT at FROM ${a('messages')} WHERE member_id = m.member_id AND NOT repeat AND NOT deleted
            ORDER BY seq OFFSET t.n - 1 LIMIT 1) x`.execute(db),
      sql<{
        match_id: string;
        game: string;
        game_name: string;
        settled_at: Date;
        settled_seq: string;
        placements: { user_id: string; place: number }[];
      }>`
      SELECT match_id, game, game_name, settled_at, settled_seq, placements FROM ${p('matches')}
      WHERE status = 'settled' ORDER BY settled_seq`.execute(db),
      sql<{
        completion_id: string;
        chore_id: string;
        title: string;
        member_id: string;
        points: number;
        marked_at: Date;
        decided_at: Date;
        approved_seq: string;
      }>`
      SELECT c.completion_id, c.chore_id, h.title, c.member_id, c.points, c.marked_at, c.decided_at, c.approved_seq
      FROM ${p('completions')} c JOIN ${p('chores')} h USING (chore_id)
      WHERE c.status = 'approved' ORDER BY c.approved_seq`.execute(db),
      sql<{
        challenge_id: string;
        title: string;
        member_id: string;
        reward_xp: number;
        at: Date;
        seq: string;
      }>`
      SELECT r.challenge_id, c.title, r.member_id, r.reward_xp, r.at, r.seq
      FROM ${p('rewards')} r JOIN ${p('challenges')} c USING (challenge_id) ORDER BY r.seq`.execute(db),
      sql<{
        challenge_id: string;
        title: string;
        week: string;
        metric: string;
        target: number;
        reward_xp: number;
        member_ids: string[];
        cancelled_seq: string | null;
        starts_at: Date | null;
      }>`
      SELECT challenge_id, title, week, metric, target, reward_xp, member_ids,
        CASE WHEN cancelled THEN seq END AS cancelled_seq, starts_at
      FROM ${p('challenges')} ORDER BY week, seq`.execute(db),
      // Message challenges that started mid-week count the messages since their start.
      sql<{ challenge_id: string; member_id: string; n: number; last_at: Date }>`
      SELECT c.challenge_id, m.member_id, count(*)::int AS n, max(m.at) AS last_at
      FROM ${p('challenges')} c
      JOIN ${a('messages')} m ON m.at >= c.starts_at AND NOT m.repeat AND NOT m.deleted
        AND (m.at AT TIME ZONE ${tz})::date BETWEEN c.week::date AND c.week::date + 6
      WHERE c.metric = 'messages_sent' AND c.starts_at IS NOT NULL
      GROUP BY 1, 2`.execute(db),
      // Shared photos and files that still stand (a deleted one counts for nothing).
      sql<{ member_id: string; kind: 'photo' | 'file'; at: Date; seq: string }>`
      SELECT member_id, kind, at, seq FROM ${media} WHERE NOT deleted ORDER BY seq`.execute(db),
    ]);
  const countedOn = new Map(
    counted.rows.map((r) => [
      `${r.member_id} ${r.day}`,
      r.seqs.map((seq, i) => ({ seq: Number(seq), at: new Date(Number(r.ats[i])) })),
    ]),
  );
  return {
    timeZone: tz,
    hiddenMemberIds: settings.hiddenMemberIds,
    members: members.rows,
    messageDays: days.rows.map((d) => ({
      memberId: d.member_id,
      day: d.day,
      messages: d.messages,
      unique: d.unique,
      firstAt: d.first_at,
      counted: countedOn.get(`${d.member_id} ${d.day}`) ?? [],
    })),
    messageMilestones: milestones.rows.map((m) => ({ memberId: m.member_id, n: m.n, at: m.at })),
    media: shared.rows.map((m) => ({ memberId: m.member_id, kind: m.kind, at: m.at, seq: Number(m.seq) })),
    matches: matches.rows.map((m) => ({
      matchId: m.match_id,
      game: m.game,
      gameName: m.game_name,
      settledAt: m.settled_at,
      settledSeq: Number(m.settled_seq),
      placements: m.placements.map((x) => ({ userId: x.user_id, place: x.place })),
    })),
    chores: chores.rows.map((c) => ({
      completionId: c.completion_id,
      choreId: c.chore_id,
      title: c.title,
      memberId: c.member_id,
      points: c.points,
      markedAt: c.marked_at,
      approvedAt: c.decided_at,
      approvedSeq: Number(c.approved_seq),
    })),
    rewards: rewards.rows.map((r) => ({
      challengeId: r.challenge_id,
      title: r.title,
      memberId: r.member_id,
      rewardXp: r.reward_xp,
      at: r.at,
      seq: Number(r.seq),
    })),
    challenges: challenges.rows.map((c) => ({
      challengeId: c.challenge_id,
      title: c.title,
      week: c.week,
      metric: c.metric,
      target: c.target,
      rewardXp: c.reward_xp,
      memberIds: c.member_ids,
      cancelledSeq: c.cancelled_seq === null ? null : Number(c.cancelled_seq),
      startsAt: c.starts_at,
    })),
    challengeMessages: sinceStart.rows.map((r) => ({
      challengeId: r.challenge_id,
      memberId: r.member_id,
      count: r.n,
      lastAt: r.last_at,
    })),
  };
}

/** A fingerprint of every play table, to compare a rebuild with the live model. */
export async function hashPlayTables(db: Kysely<unknown>, schemas: Schemas = LIVE): Promise<string> {
  const tables = [
    `${schemas.play}.rules`,
    `${schemas.play}.settings`,
    `${schemas.play}.matches`,
    `${schemas.play}.chores`,
    `${schemas.play}.completions`,
    `${schemas.play}.challenges`,
    `${schemas.play}.rewards`,
    `${schemas.activity}.messages`,
    `${schemas.activity}.last_message`,
    `${schemas.activity}.buckets`,
    `${schemas.media ?? 'play_activity_media'}.shared`,
  ];
  const parts: string[] = [];
  for (const table of tables) {
    const row = (
      await sql<{ digest: string | null }>`
        SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM ${sql.table(table)} t`.execute(
        db,
      )
    ).rows[0];
    parts.push(`${table.split('.')[1]}:${row?.digest ?? 'empty'}`);
  }
  return parts.join(' ');
}
