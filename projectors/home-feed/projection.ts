// The family's story from the PLAY stream: a chore approved (taken back if rejected after),
// a match settled (gone if voided; the rating changes are play-scores', read with the feed),
// a challenge completed. The same read model keeps play's notifications (notifications.ts):
// one read model per stream, as each holds a connection for its lifetime. A member's erasure
// blanks the notes of theirs it told.
import { type Kysely, sql } from 'kysely';
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import { blankMember, type PersonalCopy } from '../runtime/erasures.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import { tell, untell } from './add.ts';
import * as m20261206 from './migrations/20261206T2310_home_feed.ts';
import * as m20261207 from './migrations/20261207T0031_home_feed_seq.ts';
import * as m20270401 from './migrations/20270401T1000_last_seq.ts';
import { playNotices } from './notifications.ts';
import type { PlayFeedDB } from './tables.ts';

export const HOME_FEED = 'home_feed';

export const homeFeedProjection: Projection<PlayFeedDB, PlayEvent> = {
  name: HOME_FEED,
  // The live worker stamps when a notice arrived; a rebuild can only say when it happened.
  unverified: { notifications: ['added_at'] },
  domain: 'play',
  migrations: {
    '20261206T2310_home_feed': m20261206,
    '20261207T0031_home_feed_seq': m20261207,
    '20270401T1000_last_seq': m20270401,
  },
  lineage: {
    chores: { key: ['chore_id'], seq: 'last_seq' },
    completions: { key: ['completion_id'], seq: 'last_seq' },
    matches: { key: ['match_id'], seq: 'last_seq' },
    challenges: { key: ['challenge_id'], seq: 'last_seq' },
    items: { key: ['id'], seq: 'last_seq' },
    notifications: { key: ['id'], seq: 'last_seq' },
  },
  apply: async (events, { db, schema, rebuilding }) => {
    for (const e of events) {
      if (e.event.case === 'memberErased') {
        await blankMember(
          db as Kysely<unknown>,
          { readModel: HOME_FEED, schema },
          e.event.value.memberId,
          PERSONAL,
        );
        continue;
      }
      await applyOne(db, e);
      await playNotices(db, e, rebuilding);
    }
  },
};

/** The notes their chores were marked done with, told to whoever approves: empty, as a rebuild reads them. */
const PERSONAL: PersonalCopy[] = [
  {
    table: 'notifications',
    member: 'actor_id',
    where: sql`kind = 'chore_waiting'`,
    blank: { body: sql`''` },
  },
];

async function applyOne(db: Kysely<PlayFeedDB>, e: StoredEvent<PlayEvent>) {
  const { event } = e;
  switch (event.case) {
    case 'choreDefined':
      await db
        .insertInto('chores')
        .values({ chore_id: event.value.choreId, title: event.value.title, last_seq: e.seq })
        .onConflict((oc) => oc.column('chore_id').doUpdateSet({ title: event.value.title, last_seq: e.seq }))
        .execute();
      return;
    case 'choreMarkedDone':
      await db
        .insertInto('completions')
        .values({ completion_id: event.value.completionId, points: event.value.points, last_seq: e.seq })
        .onConflict((oc) =>
          oc.column('completion_id').doUpdateSet({ points: event.value.points, last_seq: e.seq }),
        )
        .execute();
      return;
    case 'choreApproved': {
      const v = event.value;
      const chore = await db
        .selectFrom('chores')
        .select('title')
        .where('chore_id', '=', v.choreId)
        .executeTakeFirst();
      const done = await db
        .selectFrom('completions')
        .select('points')
        .where('completion_id', '=', v.completionId)
        .executeTakeFirst();
      await tell(db, e, {
        id: `play:${e.seq}`,
        kind: 'chore_approved',
        actor: v.memberId,
        subject: v.completionId,
        place: chore?.title ?? '',
        detail: done ? `+${done.points} points` : '',
        link: '/play/chores',
      });
      return;
    }
    case 'choreRejected':
      if (event.value.wasApproved) await untell(db, 'chore_approved', event.value.completionId);
      return;
    case 'matchReported': {
      const v = event.value;
      await db
        .insertInto('matches')
        .values({
          match_id: v.matchId,
          game_name: v.gameName,
          players: JSON.stringify(v.placements.map((p) => ({ user_id: p.userId, place: p.place }))),
          last_seq: e.seq,
        })
        .onConflict((oc) => oc.column('match_id').doNothing())
        .execute();
      return;
    }
    case 'matchSettled': {
      const v = event.value;
      const match = await db
        .selectFrom('matches')
        .select(['game_name', 'players'])
        .where('match_id', '=', v.matchId)
        .executeTakeFirst();
      if (!match) return;
      const winner = [...match.players].sort((a, b) => a.place - b.place)[0];
      await tell(db, e, {
        id: `play:${e.seq}`,
        kind: 'match_settled',
        actor: winner?.user_id ?? '',
        subject: v.matchId,
        place: match.game_name,
        players: match.players,
        link: '/play/matches',
      });
      return;
    }
    case 'matchVoided':
      await untell(db, 'match_settled', event.value.matchId);
      return;
    case 'challengeCreated':
      await db
        .insertInto('challenges')
        .values({ challenge_id: event.value.challengeId, title: event.value.title, last_seq: e.seq })
        .onConflict((oc) => oc.column('challenge_id').doNothing())
        .execute();
      return;
    case 'challengeCompleted': {
      const v = event.value;
      const challenge = await db
        .selectFrom('challenges')
        .select('title')
        .where('challenge_id', '=', v.challengeId)
        .executeTakeFirst();
      await tell(db, e, {
        id: `play:${e.seq}`,
        kind: 'challenge_completed',
        actor: v.memberId,
        subject: `${v.challengeId}:${v.memberId}`,
        place: challenge?.title ?? '',
        detail: `+${v.rewardXp} XP`,
        link: '/play/challenges',
      });
      return;
    }
    default:
      return;
  }
}
