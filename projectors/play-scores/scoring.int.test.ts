// Two scoring surprises, on real NATS and Postgres through the real writers: a deleted message
// stops counting (XP, daily caps, achievements, challenge progress), and a challenge counts
// from its start, not from its Monday, unless an admin asked for the whole week. Each must
// come out the same incrementally, after a rebuild, in a preview, and however the log is cut
// into batches.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type RuleSet } from '../../contracts/play.schema.ts';
import { publishIdentity, registered } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { createChatWriter } from '../../writers/chat/commands.ts';
import { createChatReader } from '../../writers/chat/load.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { decodeEvent } from '../../writers/log/decode.ts';
import { createPlayWriter } from '../../writers/play/commands.ts';
import { createPlayReader } from '../../writers/play/load.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import { playActivityMediaProjection } from '../play-activity/media.ts';
import { PLAY_ACTIVITY, playActivityProjection } from '../play-activity/projection.ts';
import { PLAY, playRecordsProjection } from '../play-records/projection.ts';
import { migrateSchema } from '../runtime/migrate.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection, StoredEvent } from '../runtime/types.ts';
import { computeScores, type Scores } from './engine.ts';
import { hashPlayTables, loadFacts } from './facts.ts';
import { createScoresQuery } from './query.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
// Friday 20 November 2026; the week began on Monday the 16th (UTC, the default time zone).
const NOW = new Date('2026-11-20T18:00:00Z');
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([
    identityUsersProjection,
    playRecordsProjection,
    playActivityProjection,
    playActivityMediaProjection,
  ] as unknown as AnyProjection[]);
});
afterAll(() => rt.cleanup());

const lastSeq = async (domain: 'play' | 'chat') =>
  (await rt.log.jsm.streams.info(rt.log.names.stream(domain))).state.last_seq;

/** Everything a member sees, as one comparable value. */
function view(scores: Scores) {
  return JSON.parse(
    JSON.stringify({
      members: [...scores.members.values()],
      boards: scores.boards,
      challenges: scores.challenges,
    }),
  );
}

/** What does not depend on the day it is scored (the preview scores at the real now). */
function timeless(scores: Scores) {
  return JSON.parse(
    JSON.stringify({
      members: [...scores.members.values()].map((m) => ({
        xp: m.xp,
        level: m.level,
        grants: m.grants,
        achievements: m.achievements,
        metrics: m.metrics,
      })),
      xpAllTime: scores.boards.xpAllTime,
      challenges: scores.challenges,
    }),
  );
}

async function scored(rules: RuleSet = DEFAULT_RULES) {
  return computeScores(await loadFacts(rt.db, { rules }), rules, NOW);
}

const messageXp = (s: Scores, id: string) =>
  s.members
    .get(id)
    ?.grants.filter((g) => g.ruleId === 'message')
    .reduce((n, g) => n + g.xp, 0) ?? 0;
const progress = (s: Scores, challengeId: string, memberId: string) =>
  s.challenges.find((c) => c.challengeId === challengeId && c.memberId === memberId)?.progress;

describe('scoring', () => {
  it('drops deleted messages and counts challenges from their start, equal under rebuild, preview and any batching', async () => {
    for (const id of ['ann', 'bob']) await publishIdentity(rt.log, registered(id));
    const appender = createAppender({ log: rt.log });
    const play = createPlayWriter({ appender, reader: createPlayReader({ log: rt.log }) });
    const chat = createChatWriter({ appender, reader: createChatReader({ log: rt.log }) });
    let n = 0;
    const meta = (actorId: string, now: Date): CommandMeta => ({
      commandId: `cmd-${n++}`,
      actorId,
      correlationId: 'scoring',
      now,
    });
    for (const id of ['ann', 'bob']) await chat.joinFamily(id, meta(id, at('2026-11-01T08:00:00Z')));
    const post = (who: string, id: string, when: string) =>
      chat.post(
        { channelId: 'family', messageId: id, senderId: who, content: `hello ${id}` },
        meta(who, at(when)),
      );
    const remove = (who: string, id: string, when: string) =>
      chat.remove({ channelId: 'family', messageId: id, by: who, canModerate: false }, meta(who, at(when)));

    // Monday and Friday morning, before any challenge.
    await post('ann', 'a1', '2026-11-16T09:00:00Z');
    await post('ann', 'a2', '2026-11-20T10:00:00Z');
    // Created on Friday at 11:00: one counts from then, one (the admin's choice) the whole week.
    await play.createChallenge(
      { challengeId: 'hi', title: 'Say hi', metric: 'messages_sent', target: 5, rewardXp: 20, by: 'ann' },
      meta('ann', at('2026-11-20T11:00:00Z')),
    );
    await play.createChallenge(
      {
        challengeId: 'week',
        title: 'Talk all week',
        metric: 'messages_sent',
        target: 5,
        rewardXp: 20,
        fromWeekStart: true,
        by: 'ann',
      },
      meta('ann', at('2026-11-20T11:00:00Z')),
    );
    await play.createChallenge(
      { challengeId: 'win', title: 'Win one', metric: 'matches_won', target: 1, rewardXp: 20, by: 'ann' },
      meta('ann', at('2026-11-20T11:00:00Z')),
    );
    // A match Ann won on Thursday, before the match challenge began.
    await play.reportMatch(
      {
        matchId: 'm1',
        game: 'Chess',
        placements: [
          { userId: 'ann', place: 1 },
          { userId: 'bob', place: 2 },
        ],
        by: 'ann',
        canManage: false,
      },
      meta('ann', at('2026-11-19T12:00:00Z')),
    );
    await play.confirmMatch(
      { matchId: 'm1', by: 'bob', canManage: false },
      meta('bob', at('2026-11-19T12:05:00Z')),
    );
    // After the start: three more from Ann, one of them deleted at once (in the same batch,
    // most likely), one deleted an hour later.
    await post('ann', 'a3', '2026-11-20T11:30:00Z');
    await post('ann', 'a4', '2026-11-20T11:31:00Z');
    await remove('ann', 'a4', '2026-11-20T11:31:30Z');
    await post('ann', 'a5', '2026-11-20T11:32:00Z');
    // Bob posts and deletes: post-and-delete earns nothing.
    await post('bob', 'b1', '2026-11-20T11:40:00Z');
    await remove('bob', 'b1', '2026-11-20T11:41:00Z');
    await expect(runner.waitFor(PLAY, await lastSeq('play'), 10_000)).resolves.toBe(true);
    await expect(runner.waitFor(PLAY_ACTIVITY, await lastSeq('chat'), 10_000)).resolves.toBe(true);
    // Ann's Monday message is deleted after the live model counted it.
    await remove('ann', 'a1', '2026-11-20T12:00:00Z');
    await expect(runner.waitFor(PLAY_ACTIVITY, await lastSeq('chat'), 10_000)).resolves.toBe(true);

    const live = await scored();
    // a2, a3, a5 stand; a1 and a4 were deleted.
    expect(messageXp(live, 'ann')).toBe(3);
    expect(live.members.get('ann')?.metrics.messages_sent).toBe(3);
    expect(messageXp(live, 'bob')).toBe(0);
    expect(live.members.get('bob')?.metrics.messages_sent).toBe(0);
    expect(live.members.get('bob')?.achievements.map((a) => a.id)).not.toContain('first-message');
    expect(live.members.get('ann')?.achievements.map((a) => a.id)).toContain('first-message');
    // Bob's only message on Friday was deleted: Friday is no active day, Thursday's match is.
    expect(live.members.get('bob')?.streak.longest).toBe(1);
    // From Friday 11:00: a3 and a5. The whole week: a2, a3 and a5.
    expect(progress(live, 'hi', 'ann')).toBe(2);
    expect(progress(live, 'week', 'ann')).toBe(3);
    expect(progress(live, 'hi', 'bob')).toBe(0);
    // Thursday's win came before the match challenge started.
    expect(progress(live, 'win', 'ann')).toBe(0);

    // A daily cap counts the messages that stand: with a cap of 2, the deleted a4 leaves room
    // for a5.
    const capped: RuleSet = {
      ...DEFAULT_RULES,
      xp: DEFAULT_RULES.xp.map((r) => (r.id === 'message' ? { ...r, daily_cap: 2 } : r)),
    };
    const cappedScores = await scored(capped);
    const fridayGrants = cappedScores.members
      .get('ann')
      ?.grants.filter((g) => g.ruleId === 'message' && g.day === '2026-11-20');
    expect(fridayGrants?.map((g) => g.at.toISOString())).toEqual([
      '2026-11-20T10:00:00.000Z',
      '2026-11-20T11:30:00.000Z',
    ]);

    // The preview scores the same facts: under the live rules it is the live result, under a
    // draft it is that draft's result from the same facts.
    const query = createScoresQuery({ db: rt.db, positions: async () => new Map() });
    const same = await query.preview(DEFAULT_RULES);
    expect(timeless(same.next.scores)).toEqual(timeless(live));
    const draft = await query.preview(capped);
    expect(timeless(draft.next.scores)).toEqual(timeless(cappedScores));

    // Rebuilt from the log: the same tables, the same scores.
    const tables = await hashPlayTables(rt.db);
    await runner.rebuild(PLAY);
    await runner.rebuild(PLAY_ACTIVITY);
    expect(await hashPlayTables(rt.db)).toBe(tables);
    expect(view(await scored())).toEqual(view(live));

    // However the log is cut into batches (one event at a time, or all at once, applied
    // twice), play's view of chat comes out the same.
    const stream = rt.log.names.stream('chat');
    const events: StoredEvent[] = [];
    for (let seq = 1; seq <= (await lastSeq('chat')); seq++) {
      const msg = await rt.log.jsm.direct.getMessage(stream, { seq });
      if (msg)
        events.push(decodeEvent('chat', stream, { seq: msg.seq, subject: msg.subject, data: msg.data }));
    }
    const liveActivity = (await hashPlayTables(rt.db))
      .split(' ')
      .filter((part) => /^(messages|last_message|buckets):/.test(part));
    for (const [schema, size] of [
      ['scoring_one_by_one', 1],
      ['scoring_all_at_once', events.length],
      ['scoring_in_pairs', 2],
    ] as const) {
      await migrateSchema({ db: rt.db, schema, migrations: playActivityProjection.migrations });
      for (let round = 0; round < 2; round++)
        for (let i = 0; i < events.length; i += size)
          await rt.db.transaction().execute((db) =>
            (playActivityProjection as unknown as AnyProjection).apply(events.slice(i, i + size) as never[], {
              db: db as never,
              schema,
              rebuilding: false,
            }),
          );
      const parts: string[] = [];
      for (const table of ['messages', 'last_message', 'buckets']) {
        const row = (
          await sql<{ digest: string | null }>`
            SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest
            FROM ${sql.table(`${schema}.${table}`)} t`.execute(rt.db)
        ).rows[0];
        parts.push(`${table}:${row?.digest ?? 'empty'}`);
      }
      expect(parts, schema).toEqual(liveActivity);
    }
  });
});
