// Figure: rebuild of every play read model (play from PLAY, play_activity from CHAT) from a
// mixed history, then the scores computed once from the rebuilt models — beside Postgres
// UNNEST inserts measured half before and half after, in the same run.

import { performance } from 'node:perf_hooks';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import pino from 'pino';
import type { EventOf } from '../contracts/events.ts';
import {
  type ChatEvent,
  ChatEventSchema,
  MessagePostedSchema,
} from '../contracts/gen/hearth/chat/v1/events_pb.ts';
import {
  ChallengeCompletedSchema,
  ChallengeCreatedSchema,
  ChoreApprovedSchema,
  ChoreDefinedSchema,
  ChoreMarkedDoneSchema,
  ChoreRejectedSchema,
  MatchConfirmedSchema,
  MatchReportedSchema,
  MatchSettledSchema,
  MatchVoidedSchema,
  type PlayEvent,
  PlayEventSchema,
} from '../contracts/gen/hearth/play/v1/events_pb.ts';
import { DEFAULT_RULES } from '../contracts/play.schema.ts';
import type { Names } from '../contracts/subjects.ts';
import { identityUsersProjection } from '../projectors/identity-users/projection.ts';
import { playActivityMediaProjection } from '../projectors/play-activity/media.ts';
import { PLAY_ACTIVITY, playActivityProjection } from '../projectors/play-activity/projection.ts';
import { PLAY, playRecordsProjection } from '../projectors/play-records/projection.ts';
import { computeScores } from '../projectors/play-scores/engine.ts';
import { loadFacts } from '../projectors/play-scores/facts.ts';
import { createProjectorRunner } from '../projectors/runtime/runner.ts';
import type { AnyProjection } from '../projectors/runtime/types.ts';
import { openDb } from '../test/db.ts';
import { encode, eventHeaders } from '../writers/log/encode.ts';
import type { Keyring } from '../writers/log/keys.ts';
import { openLog } from '../writers/log/open.ts';
import { measurePublish } from './jetstream.ts';
import { round, timed } from './lanes.ts';
import { openUnnestBaseline } from './postgres.ts';
import type { SeedMessage } from './seed.ts';
import type { FigureResult, ReplayFigureOptions } from './types.ts';

type PlayBody = EventOf<PlayEvent>;
/** Every member the seed's events are by: their keys must be ready before it is built. */
export const MEMBERS = Array.from({ length: 12 }, (_, i) => `m${i}`);
const DAY_MS = 86_400_000;

/**
 * 70% chat posts (some repeated), 30% play: matches, chores with approvals, challenges. `keys`
 * seals the posts' words (and the chores' notes) as the writers do: await keys.ready(MEMBERS).
 */
export function mixedSeed(
  names: Names,
  keys: Pick<Keyring, 'sealingKey'>,
  count: number,
  start = new Date('2026-01-05T08:00:00Z'),
) {
  const messages: SeedMessage[] = [];
  let x = 424242;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const queue: { subject: string; body: PlayBody }[] = [];
  let story = 0;
  const refill = () => {
    const k = story++;
    const a = MEMBERS[next(MEMBERS.length)] as string;
    const b = MEMBERS[(MEMBERS.indexOf(a) + 1 + next(MEMBERS.length - 1)) % MEMBERS.length] as string;
    const play = (subject: string, body: PlayBody) => queue.push({ subject, body });
    const kind = k % 10;
    if (kind < 5) {
      const matchId = `x${k}`;
      const subject = names.play.match(matchId);
      play(subject, {
        case: 'matchReported',
        value: create(MatchReportedSchema, {
          matchId,
          game: k % 2 ? 'chess' : 'kart',
          gameName: k % 2 ? 'Chess' : 'Kart',
          placements: [
            { userId: a, place: 1 },
            { userId: b, place: 2 },
          ],
          reportedBy: a,
        }),
      });
      play(subject, {
        case: 'matchConfirmed',
        value: create(MatchConfirmedSchema, { matchId, confirmedBy: b }),
      });
      play(subject, {
        case: 'matchSettled',
        value: create(MatchSettledSchema, { matchId, game: k % 2 ? 'chess' : 'kart' }),
      });
      if (k % 50 === 7)
        play(subject, { case: 'matchVoided', value: create(MatchVoidedSchema, { matchId, voidedBy: 'm0' }) });
    } else if (kind < 9) {
      const choreId = `c${k % 20}`;
      if (k < 200)
        play(names.play.chore(choreId), {
          case: 'choreDefined',
          value: create(ChoreDefinedSchema, {
            choreId,
            title: `Chore ${k % 20}`,
            points: 10,
            recurrence: 'daily',
          }),
        });
      const completionId = `d${k}_${a}`;
      const subject = names.play.completion(choreId, completionId);
      play(subject, {
        case: 'choreMarkedDone',
        value: create(ChoreMarkedDoneSchema, {
          choreId,
          completionId,
          memberId: a,
          period: `p${k}`,
          points: 10,
        }),
      });
      play(subject, {
        case: 'choreApproved',
        value: create(ChoreApprovedSchema, { choreId, completionId, memberId: a, approvedBy: 'm0' }),
      });
      if (k % 40 === 3)
        play(subject, {
          case: 'choreRejected',
          value: create(ChoreRejectedSchema, {
            choreId,
            completionId,
            memberId: a,
            rejectedBy: 'm0',
            wasApproved: true,
          }),
        });
    } else {
      const challengeId = `ch${k}`;
      play(names.play.challenge(challengeId), {
        case: 'challengeCreated',
        value: create(ChallengeCreatedSchema, {
          challengeId,
          title: 'Talk',
          week: '2026-01-05',
          metric: 'messages_sent',
          target: 10,
          rewardXp: 25,
        }),
      });
      play(names.play.reward(challengeId, a), {
        case: 'challengeCompleted',
        value: create(ChallengeCompletedSchema, { challengeId, memberId: a, rewardXp: 25 }),
      });
    }
  };
  let chat = 0;
  let playCount = 0;
  for (let i = 0; i < count; i++) {
    const now = new Date(start.getTime() + Math.floor((i / count) * 120 * DAY_MS));
    if (next(10) < 7) {
      const senderId = MEMBERS[next(MEMBERS.length)] as string;
      const messageId = `p${i}`;
      const body: EventOf<ChatEvent> = {
        case: 'messagePosted',
        value: create(MessagePostedSchema, {
          channelId: 'family',
          messageId,
          senderId,
          content: next(5) === 0 ? 'ok' : `message ${i}`,
        }),
      };
      const meta = { actorId: senderId, correlationId: `seed-${i}`, now };
      messages.push({
        subject: names.chat.message('family', messageId),
        data: encode(ChatEventSchema, body, meta, keys),
        headers: eventHeaders(body, meta),
      });
      chat++;
    } else {
      if (queue.length === 0) refill();
      const { subject, body } = queue.shift() as { subject: string; body: PlayBody };
      if (body.case === 'matchReported')
        body.value.expiresAt = timestampFromDate(new Date(now.getTime() + 7 * DAY_MS));
      const meta = { actorId: 'm0', correlationId: `seed-${i}`, now };
      messages.push({
        subject,
        data: encode(PlayEventSchema, body, meta, keys),
        headers: eventHeaders(body, meta),
      });
      playCount++;
    }
  }
  return { messages, chat, play: playCount };
}

export async function measurePlayRebuild({
  ctx,
  events,
  publishInFlight,
  unnestBatch,
  step,
}: ReplayFigureOptions): Promise<FigureResult> {
  step(`encoding ${events} mixed chat and play events`);
  const log = await openLog({ nc: ctx.nc, names: ctx.names('g') });
  await log.keys.ready(MEMBERS);
  const seed = mixedSeed(log.names, log.keys, events);
  step('publishing the mixed history');
  await measurePublish({ log, messages: seed.messages, inFlight: publishInFlight });
  const url = await ctx.database('g');
  const unnest = await openUnnestBaseline({ url, batchSize: unnestBatch });
  const { db, pool } = openDb(url);
  // Same projections, timed: how much of the rebuild is the read models' own work.
  const applyMs: Record<string, number> = {};
  const timedApply = <P extends { name: string; apply: (...args: never[]) => Promise<void> }>(p: P): P => ({
    ...p,
    apply: async (...args: Parameters<P['apply']>) => {
      const started = performance.now();
      await p.apply(...args);
      applyMs[p.name] = (applyMs[p.name] ?? 0) + performance.now() - started;
    },
  });
  const runner = createProjectorRunner({
    db,
    pool,
    log,
    projections: [
      identityUsersProjection,
      timedApply(playRecordsProjection),
      timedApply(playActivityProjection),
      playActivityMediaProjection,
    ] as unknown as AnyProjection[],
    logger: pino({ level: 'silent' }),
  });
  try {
    await runner.migrate();
    let members = 0;
    const parts: Record<string, number> = {};
    const { result: seconds, baseline } = await unnest.around(events, step, async () => {
      step('rebuilding play and play_activity from the log, then scoring');
      const { seconds } = await timed(async () => {
        await Promise.all(
          [PLAY, PLAY_ACTIVITY].map(async (name) => {
            const { seconds: s } = await timed(() => runner.rebuild(name));
            parts[name] = s;
          }),
        );
        const { seconds: s } = await timed(async () => {
          const facts = await loadFacts(db, { rules: DEFAULT_RULES });
          members = computeScores(facts, DEFAULT_RULES, new Date()).members.size;
        });
        parts.scores = s;
      });
      return seconds;
    });
    return {
      id: 'play-rebuild',
      title: 'play read models rebuilt from the log',
      figure: {
        label: 'rebuild play + play_activity, then score',
        unit: 'events/s',
        value: events / seconds,
        count: events,
        seconds,
        details: {
          chatEvents: seed.chat,
          playEvents: seed.play,
          playSeconds: round(parts[PLAY] ?? 0, 2),
          activitySeconds: round(parts[PLAY_ACTIVITY] ?? 0, 2),
          scoreSeconds: round(parts.scores ?? 0, 2),
          playApplySeconds: round((applyMs[PLAY] ?? 0) / 1000, 2),
          activityApplySeconds: round((applyMs[PLAY_ACTIVITY] ?? 0) / 1000, 2),
          members,
        },
      },
      baseline,
      target: { description: '≥ 30% of the raw Postgres UNNEST batch rate', minRatio: 0.3 },
    };
  } finally {
    await runner.stop();
    await db.destroy();
    await unnest.close();
  }
}
