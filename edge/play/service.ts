// Play at the edge: scores computed from the read models (cached until a read model moves or
// a quarter hour passes), the rule-change preview, and a loop that notices what changed, pushes
// level-ups, achievements and board changes live, and rewards completed challenges.
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import { HearthError } from '../../contracts/errors.ts';
import type { RuleSet } from '../../contracts/play.schema.ts';
import { PLAY_ACTIVITY } from '../../projectors/play-activity/projection.ts';
import { PLAY } from '../../projectors/play-records/projection.ts';
import { computeScores, type Scores } from '../../projectors/play-scores/engine.ts';
import { type CurrentRules, currentRules, loadFacts } from '../../projectors/play-scores/facts.ts';
import type { PlayWriter } from '../../writers/play/commands.ts';

export type LivePush = {
  toUser: (userId: string, frame: Record<string, unknown>) => void;
  toAll: (frame: Record<string, unknown>) => void;
};

export type Scored = { rules: CurrentRules; scores: Scores; watermark: string };

const WATCHED = [PLAY, PLAY_ACTIVITY, 'identity_users'];
const LIVE_INTERVAL_MS = 1000;
const QUARTER_HOUR_MS = 15 * 60 * 1000;
/** Chat alone moves often; recomputing for it at most this often keeps busy chats cheap. */
const ACTIVITY_ONLY_INTERVAL_MS = 3000;

export type PlayService = ReturnType<typeof createPlayService>;

export function createPlayService({
  db,
  writer,
  logger,
  push,
  intervalMs = LIVE_INTERVAL_MS,
}: {
  db: Kysely<unknown>;
  writer: PlayWriter;
  logger: Logger;
  push?: LivePush | undefined;
  intervalMs?: number;
}) {
  let cached: { key: string; value: Promise<Scored> } | undefined;

  async function watermark(): Promise<string> {
    const rows = (
      await sql<{ read_model: string; last_seq: string }>`
        SELECT read_model, last_seq FROM hearth.checkpoints WHERE read_model = ANY(${WATCHED}::text[])
        ORDER BY read_model, stream`.execute(db)
    ).rows;
    return rows.map((r) => `${r.read_model}:${r.last_seq}`).join(',');
  }

  async function compute(mark: string, rules?: RuleSet): Promise<Scored> {
    const live = await currentRules(db);
    const scores = computeScores(
      await loadFacts(db, { rules: rules ?? live.rules }),
      rules ?? live.rules,
      new Date(),
    );
    return { rules: live, scores, watermark: mark };
  }

  /**
   * The live scores, recomputed only when a read model moved or a quarter hour passed (days
   * and weeks turn at quarter hours in every time zone). `mark`: a watermark just read.
   */
  async function current(mark?: string): Promise<Scored> {
    const at = mark ?? (await watermark());
    const key = `${at}|${Math.floor(Date.now() / QUARTER_HOUR_MS)}`;
    if (cached?.key !== key) {
      const value = compute(at);
      cached = { key, value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  }

  /** The same facts scored under the live rules and under a draft, member by member. */
  async function preview(draft: RuleSet) {
    // Nothing moved while the draft was scored: both sides scored exactly the same facts.
    for (let attempt = 0; attempt < 3; attempt++) {
      const live = await current();
      const next = await compute(live.watermark, draft);
      if ((await watermark()) === live.watermark)
        return { live, next, diff: diffScores(live.scores, next.scores) };
    }
    throw new HearthError({
      code: 'play.busy',
      status: 503,
      message: 'Scores kept changing while the preview was computed; try again.',
    });
  }

  let timer: NodeJS.Timeout | undefined;
  let previous: Scores | undefined;
  let lastPlayMark = '';
  let lastComputed = 0;
  let running = false;

  let inFlight: Promise<void> = Promise.resolve();

  /** One live round; a forced round waits for the one in flight and then runs anyway. */
  async function tick(force = false): Promise<void> {
    if (running) {
      if (!force) return;
      await inFlight;
      return tick(true);
    }
    running = true;
    const round = liveRound(force);
    inFlight = round;
    return round;
  }

  async function liveRound(force: boolean): Promise<void> {
    try {
      const mark = await watermark();
      const playMark = mark
        .split(',')
        .filter((p) => !p.startsWith(`${PLAY_ACTIVITY}:`))
        .join(',');
      const onlyActivity = playMark === lastPlayMark;
      if (!force && onlyActivity && Date.now() - lastComputed < ACTIVITY_ONLY_INTERVAL_MS) return;
      const { scores, watermark: at } = await current(mark);
      if (previous && at === mark) {
        announce(previous, scores);
        // A report, a chore marked done, a new chore: lists change even when no score does.
        if (!onlyActivity) push?.toAll({ type: 'play', event: 'changed' });
      }
      if (at === mark) {
        previous = scores;
        lastPlayMark = playMark;
        lastComputed = Date.now();
      }
      await rewardCompleted(scores);
    } catch (err) {
      logger.warn({ err }, 'play live update failed');
    } finally {
      running = false;
    }
  }

  function announce(before: Scores, after: Scores) {
    if (!push) return;
    let changed = false;
    for (const [id, now] of after.members) {
      const was = before.members.get(id);
      if (!was) continue;
      if (now.level > was.level)
        push.toUser(id, { type: 'play', event: 'level_up', user_id: id, level: now.level });
      const had = new Set(was.achievements.map((a) => a.id));
      for (const a of now.achievements) {
        if (!had.has(a.id))
          push.toUser(id, {
            type: 'play',
            event: 'achievement',
            user_id: id,
            achievement: a.id,
            title: a.title,
          });
      }
      if (now.xp !== was.xp || now.weekXp !== was.weekXp) changed = true;
    }
    if (changed || JSON.stringify(before.boards) !== JSON.stringify(after.boards)) {
      push.toAll({ type: 'play', event: 'boards_changed' });
    }
    if (JSON.stringify(before.challenges) !== JSON.stringify(after.challenges)) {
      push.toAll({ type: 'play', event: 'challenges_changed' });
    }
  }

  /** Progress that reached its target earns the reward once: the command id is (challenge, member). */
  async function rewardCompleted(scores: Scores) {
    for (const p of scores.challenges) {
      if (p.completed || p.progress < p.target) continue;
      // A reward appended earlier that no longer stands (its target was unmet for a while)
      // stands again by itself: asking again appends nothing.
      await writer
        .completeChallenge(
          { challengeId: p.challengeId, memberId: p.memberId },
          {
            commandId: `play-challenge-reward:${p.challengeId}:${p.memberId}`,
            retryable: true,
            actorId: '',
            correlationId: `challenge-${p.challengeId}`,
            now: new Date(),
          },
        )
        // Cancelled since the scores were read: the next round no longer sees it.
        .catch((err: unknown) => logger.warn({ err, challenge: p.challengeId }, 'challenge reward refused'));
    }
  }

  return {
    current,
    preview,
    /** Runs one live round now, even for chat alone (tests; the loop runs it every second). */
    tick,
    start: () => {
      timer ??= setInterval(() => void tick(false), intervalMs);
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      while (running) await new Promise((r) => setTimeout(r, 10));
    },
  };
}

export type MemberDiff = {
  user_id: string;
  name: string;
  xp: [number, number];
  level: [number, number];
  rank: [number | null, number | null];
  week_rank: [number | null, number | null];
  ratings: { game: string; game_name: string; rating: [number | null, number | null] }[];
  achievements_gained: string[];
  achievements_lost: string[];
};

export function diffScores(before: Scores, after: Scores): MemberDiff[] {
  const rankOf = (rows: Scores['boards']['xpAllTime'], id: string) =>
    rows.find((r) => r.memberId === id)?.rank ?? null;
  const out: MemberDiff[] = [];
  const ids = new Set([...before.members.keys(), ...after.members.keys()]);
  for (const id of ids) {
    const b = before.members.get(id);
    const a = after.members.get(id);
    const games = new Set([...(b?.ratings ?? []), ...(a?.ratings ?? [])].map((r) => r.game));
    const had = new Set(b?.achievements.map((x) => x.id));
    const has = new Set(a?.achievements.map((x) => x.id));
    out.push({
      user_id: id,
      name: a?.name ?? b?.name ?? id,
      xp: [b?.xp ?? 0, a?.xp ?? 0],
      level: [b?.level ?? 1, a?.level ?? 1],
      rank: [rankOf(before.boards.xpAllTime, id), rankOf(after.boards.xpAllTime, id)],
      week_rank: [rankOf(before.boards.xpWeek, id), rankOf(after.boards.xpWeek, id)],
      ratings: [...games].sort().map((game) => ({
        game,
        game_name:
          [...(a?.ratings ?? []), ...(b?.ratings ?? [])].find((r) => r.game === game)?.gameName ?? game,
        rating: [
          b?.ratings.find((r) => r.game === game)?.rating ?? null,
          a?.ratings.find((r) => r.game === game)?.rating ?? null,
        ],
      })),
      achievements_gained: [...has].filter((x) => !had.has(x)),
      achievements_lost: [...had].filter((x) => !has.has(x)),
    });
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
}
