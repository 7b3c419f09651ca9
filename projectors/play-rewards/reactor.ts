// Weekly challenge rewards: once the play read models have applied an event that could
// complete a challenge, the progress is computed through the play-scores query model and
// ChallengeCompleted is appended for each (challenge, member) that reached its target.
// Progress comes from play events (matches, chores, challenges, settings) and from chat
// messages (play_activity counts them) and shared files (play_activity_media): one reactor per
// stream, play_rewards on PLAY, play_rewards_chat on CHAT and play_rewards_media on MEDIA, each
// with its own checkpoint.
//
// The command id is the domain key `play-challenge-reward:<challenge>:<member>`, not the
// event: whichever event completes a challenge, and whichever reactor sees it first, a member
// is rewarded once. A reward that stopped standing (a chore taken back) and stands again is
// the same reward: asking again appends nothing.
import { type Kysely, sql } from 'kysely';
import { HearthError } from '../../contracts/errors.ts';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { PlayWriter } from '../../writers/play/commands.ts';
import { PLAY } from '../play-records/projection.ts';
import { SCORED_FROM, type ScoresQuery } from '../play-scores/query.ts';
import type { Reactor, ReactorContext, StoredEvent } from '../runtime/types.ts';

export const PLAY_REWARDS = 'play_rewards';
export const PLAY_REWARDS_CHAT = 'play_rewards_chat';
export const PLAY_REWARDS_MEDIA = 'play_rewards_media';

/** A busy chat is looked at at most this often; the batches in between wait and merge. */
const CHAT_EVERY_MS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

type Deps = {
  /**
   * The pool, not the batch transaction: a read of play_records held open in the batch while
   * the scores read through the pool would let a rebuild's switch (DROP SCHEMA, waiting on that
   * read) queue the pool's reads behind it, a wait no deadlock detector sees.
   */
  db: Kysely<unknown>;
  writer: Pick<PlayWriter, 'completeChallenge'>;
  scores: Pick<ScoresQuery, 'current'>;
};

export function playRewardsReactors({
  db,
  writer,
  scores,
}: Deps): [Reactor<unknown, PlayEvent>, Reactor<unknown, ChatEvent>, Reactor<unknown, MediaEvent>] {
  const reward = rewarder({ writer, scores });
  return [
    {
      name: PLAY_REWARDS,
      domain: 'play',
      reads: [...SCORED_FROM],
      react: async (events, ctx) => {
        if (!(await openChallenge(db))) return;
        await reward(events.at(-1) as StoredEvent, ctx);
      },
    },
    {
      name: PLAY_REWARDS_CHAT,
      domain: 'chat',
      reads: [...SCORED_FROM],
      wants: (e) => e.event.case === 'messagePosted',
      // A busy chat is checked, and scored, at most once a second: the messages in between
      // come as one batch.
      paceMs: CHAT_EVERY_MS,
      react: async (events, ctx) => {
        let from = Number.POSITIVE_INFINITY;
        let to = 0;
        for (const e of events) {
          from = Math.min(from, e.occurredAt.getTime());
          to = Math.max(to, e.occurredAt.getTime());
        }
        // Only a message count challenge whose week holds these messages' days can move.
        const window = { from: from - 8 * DAY_MS, to: to + DAY_MS };
        if (!(await openChallenge(db, window))) return;
        await reward(events.at(-1) as StoredEvent, ctx);
      },
    },
    {
      // A shared photo or file can complete a photos_shared or files_shared challenge.
      name: PLAY_REWARDS_MEDIA,
      domain: 'media',
      reads: [...SCORED_FROM],
      wants: (e) => e.event.case === 'fileUploaded',
      react: async (events, ctx) => {
        if (!(await openChallenge(db))) return;
        await reward(events.at(-1) as StoredEvent, ctx);
      },
    },
  ];
}

/**
 * A challenge that could still reward someone: not cancelled, and for chat, counting
 * messages in a week around `window` (weeks are local Mondays; a day a day either way of UTC).
 */
async function openChallenge(db: Kysely<unknown>, window?: { from: number; to: number }) {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const challenges = sql.table(`${PLAY}.challenges`);
  const { rows } = window
    ? await sql`SELECT 1 FROM ${challenges} WHERE NOT cancelled AND metric = 'messages_sent'
        AND week BETWEEN ${day(window.from)} AND ${day(window.to)} LIMIT 1`.execute(db)
    : await sql`SELECT 1 FROM ${challenges} WHERE NOT cancelled LIMIT 1`.execute(db);
  return rows.length > 0;
}

function rewarder({ writer, scores }: Pick<Deps, 'writer' | 'scores'>) {
  return async (cause: StoredEvent, { issue, logger }: ReactorContext): Promise<void> => {
    const { scores: now } = await scores.current();
    for (const p of now.challenges) {
      if (p.completed || p.progress < p.target) continue;
      await issue({
        cause,
        key: `play-challenge-reward:${p.challengeId}:${p.memberId}`,
        run: (meta) => writer.completeChallenge({ challengeId: p.challengeId, memberId: p.memberId }, meta),
      }).catch((err: unknown) => {
        // Cancelled since the scores were read: the next computation no longer sees it.
        if (!(err instanceof HearthError && err.code.startsWith('play.'))) throw err;
        logger.warn({ err, challenge: p.challengeId }, 'challenge reward refused');
      });
    }
  };
}
