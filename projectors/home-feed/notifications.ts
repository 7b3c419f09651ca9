// What play asks of whom, and tells them: a chore waiting for approval (told to whoever may
// approve it when they look), a member's chore approved or rejected, a match waiting for a
// player's confirmation, a challenge completed. What was waiting is withdrawn once it is done.
// Part of the home_feed read model (one read model per stream): the names it shows are the
// feed's tables, which projection.ts fills first.
import type { Kysely } from 'kysely';
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import { notify, withdraw } from '../home-notifications/notify.ts';
import type { StoredEvent } from '../runtime/types.ts';
import type { PlayFeedDB } from './tables.ts';

export async function playNotices(db: Kysely<PlayFeedDB>, e: StoredEvent<PlayEvent>, rebuilding: boolean) {
  const { event } = e;
  const chore = async (id: string) =>
    (await db.selectFrom('chores').select('title').where('chore_id', '=', id).executeTakeFirst())?.title ??
    '';
  switch (event.case) {
    case 'choreMarkedDone': {
      const v = event.value;
      await notify(
        db,
        e,
        [
          {
            id: `play:${e.seq}`,
            kind: 'chore_waiting',
            to: { audience: 'play.manage', except: v.memberId },
            actor: v.memberId,
            subject: v.completionId,
            place: await chore(v.choreId),
            body: v.note,
            link: '/play/chores',
          },
        ],
        rebuilding,
      );
      return;
    }
    case 'choreApproved':
    case 'choreRejected': {
      const v = event.value;
      await withdraw(db, { kind: 'chore_waiting', subject: v.completionId });
      const approved = event.case === 'choreApproved';
      await notify(
        db,
        e,
        [
          {
            id: `play:${e.seq}`,
            kind: approved ? 'chore_approved' : 'chore_rejected',
            to: { member: v.memberId },
            subject: v.completionId,
            place: await chore(v.choreId),
            body: event.case === 'choreRejected' ? event.value.reason : '',
            link: '/play/chores',
          },
        ],
        rebuilding,
      );
      return;
    }
    case 'matchReported': {
      const v = event.value;
      const players = [...new Set(v.placements.map((p) => p.userId))].filter((id) => id !== v.reportedBy);
      await notify(
        db,
        e,
        players.map((member) => ({
          id: `play:${e.seq}:${member}`,
          kind: 'match_to_confirm' as const,
          to: { member },
          actor: v.reportedBy,
          subject: v.matchId,
          place: v.gameName,
          link: '/play/matches',
        })),
        rebuilding,
      );
      return;
    }
    case 'matchConfirmed':
      await withdraw(db, {
        kind: 'match_to_confirm',
        subject: event.value.matchId,
        member: event.value.confirmedBy,
      });
      return;
    case 'matchSettled':
    case 'matchRejected':
    case 'matchVoided':
      await withdraw(db, { kind: 'match_to_confirm', subject: event.value.matchId });
      return;
    case 'challengeCompleted': {
      const v = event.value;
      const title =
        (
          await db
            .selectFrom('challenges')
            .select('title')
            .where('challenge_id', '=', v.challengeId)
            .executeTakeFirst()
        )?.title ?? '';
      await notify(
        db,
        e,
        [
          {
            id: `play:${e.seq}`,
            kind: 'challenge_completed',
            to: { member: v.memberId },
            actor: v.memberId,
            subject: v.challengeId,
            place: title,
            body: `+${v.rewardXp} XP`,
            link: '/play/challenges',
          },
        ],
        rebuilding,
      );
      return;
    }
    default:
      return;
  }
}
