// The play scores are a query model: computed on read from the play read models (play_records,
// play_activity) and the family (identity_users) by the engine, with no tables of their own.
// A result is kept until one of those read models moves or a quarter hour passes (days and
// weeks turn at quarter hours in every time zone); a preview scores the same facts under a
// draft rule set.
import type { Kysely } from 'kysely';
import { HearthError } from '../../contracts/errors.ts';
import type { MemberDiff } from '../../contracts/play.api.ts';
import type { RuleSet } from '../../contracts/play.schema.ts';
import { PLAY_ACTIVITY_MEDIA } from '../play-activity/media.ts';
import { PLAY_ACTIVITY } from '../play-activity/projection.ts';
import { PLAY } from '../play-records/projection.ts';
import { computeScores, type Scores } from './engine.ts';
import { type CurrentRules, currentRules, loadFacts } from './facts.ts';

/** The read models the scores are computed from. */
export const SCORED_FROM = [PLAY, PLAY_ACTIVITY, PLAY_ACTIVITY_MEDIA, 'identity_users'] as const;

/** How far each read model has applied its stream (the projector runner's positions). */
export type Positions = (readModels: readonly string[]) => Promise<Map<string, number>>;

/** Scores, the rules they were computed under, and the positions they were computed at. */
export type Scored = { rules: CurrentRules; scores: Scores; watermark: string };

export type ScoresQuery = ReturnType<typeof createScoresQuery>;

const QUARTER_HOUR_MS = 15 * 60 * 1000;

export function createScoresQuery({ db, positions }: { db: Kysely<unknown>; positions: Positions }) {
  let cached: { key: string; value: Promise<Scored> } | undefined;

  /** Where the read models the scores come from stand, as one comparable string. */
  async function watermark(): Promise<string> {
    const at = await positions(SCORED_FROM);
    return [...SCORED_FROM]
      .sort()
      .map((name) => `${name}:${at.get(name) ?? 0}`)
      .join(',');
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

  /** The live scores; `mark`: a watermark just read. */
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

  return { watermark, current, preview };
}

export type { MemberDiff };

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
