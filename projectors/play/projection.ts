// The facts of play (rules, settings, matches, chores, challenges, rewards) as tables. Scores
// are not stored here: score/engine.ts computes them from these tables and play_activity, so
// a rebuild, a rule change and a preview can never disagree with the live numbers.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../types.ts';
import * as m20261122 from './migrations/20261122T1905_play.ts';

export const PLAY = 'play';

type Event = StoredEvent<PlayEvent>;

export const playProjection: Projection<unknown, PlayEvent> = {
  name: PLAY,
  domain: 'play',
  migrations: { '20261122T1905_play': m20261122 },
  apply: async (events, { db, schema }) => {
    const t = (name: string) => sql.table(`${schema}.${name}`);
    // Statements run one after another inside the batch's transaction; most batches are small.
    for (const e of events) {
      const statement = statementFor(e, t);
      if (statement) await statement.execute(db as Kysely<unknown>);
    }
  },
};

function statementFor(
  e: Event,
  t: (name: string) => ReturnType<typeof sql.table>,
): RawBuilder<unknown> | undefined {
  const { event, seq, occurredAt: at } = e;
  switch (event.case) {
    case 'rulesPublished': {
      const v = event.value;
      return sql`INSERT INTO ${t('rules')} (version, rules, published_by, published_at, seq)
        VALUES (${v.version}, ${v.rulesJson}::jsonb, ${v.publishedBy}, ${at}, ${seq})
        ON CONFLICT (version) DO NOTHING`;
    }
    case 'settingsChanged': {
      const v = event.value;
      return sql`INSERT INTO ${t('settings')} (id, time_zone, hidden_member_ids, seq)
        VALUES (1, ${v.timeZone}, ${v.hiddenMemberIds}::text[], ${seq})
        ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone,
          hidden_member_ids = excluded.hidden_member_ids, seq = excluded.seq`;
    }
    case 'matchReported': {
      const v = event.value;
      const placements = v.placements.map((p) => ({ user_id: p.userId, place: p.place }));
      const expires = v.expiresAt ? new Date(Number(v.expiresAt.seconds) * 1000) : at;
      return sql`INSERT INTO ${t('matches')} (match_id, game, game_name, placements, player_ids, reported_by,
          reported_at, expires_at, status, seq)
        VALUES (${v.matchId}, ${v.game}, ${v.gameName}, ${JSON.stringify(placements)}::jsonb,
          ${v.placements.map((p) => p.userId)}::text[], ${v.reportedBy}, ${at}, ${expires}, 'reported', ${seq})
        ON CONFLICT (match_id) DO NOTHING`;
    }
    case 'matchConfirmed':
      return sql`UPDATE ${t('matches')} SET confirmed_by = array_append(confirmed_by, ${event.value.confirmedBy}),
        seq = ${seq} WHERE match_id = ${event.value.matchId} AND NOT (${event.value.confirmedBy} = ANY(confirmed_by))`;
    case 'matchSettled':
      return sql`UPDATE ${t('matches')} SET status = 'settled', settled_seq = ${seq}, settled_at = ${at},
        settled_by_admin = ${event.value.settledByAdmin || null}, seq = ${seq}
        WHERE match_id = ${event.value.matchId}`;
    case 'matchRejected':
      return sql`UPDATE ${t('matches')} SET status = 'rejected', closed_by = ${event.value.rejectedBy},
        closed_at = ${at}, seq = ${seq} WHERE match_id = ${event.value.matchId}`;
    case 'matchVoided':
      return sql`UPDATE ${t('matches')} SET status = 'voided', closed_by = ${event.value.voidedBy},
        closed_at = ${at}, reason = ${event.value.reason || null}, seq = ${seq}
        WHERE match_id = ${event.value.matchId}`;
    case 'choreDefined': {
      const v = event.value;
      return sql`INSERT INTO ${t('chores')} (chore_id, title, points, recurrence, defined_at, seq)
        VALUES (${v.choreId}, ${v.title}, ${v.points}, ${v.recurrence}, ${at}, ${seq})
        ON CONFLICT (chore_id) DO UPDATE SET title = excluded.title, points = excluded.points,
          recurrence = excluded.recurrence, seq = excluded.seq`;
    }
    case 'choreRetired':
      return sql`UPDATE ${t('chores')} SET retired = true, seq = ${seq} WHERE chore_id = ${event.value.choreId}`;
    case 'choreMarkedDone': {
      const v = event.value;
      // After a rejection the same completion can be marked done again: it starts over.
      return sql`INSERT INTO ${t('completions')} (chore_id, completion_id, member_id, period, points, photo_id,
          note, status, marked_at, seq)
        VALUES (${v.choreId}, ${v.completionId}, ${v.memberId}, ${v.period}, ${v.points}, ${v.photoId || null},
          ${v.note || null}, 'pending', ${at}, ${seq})
        ON CONFLICT (chore_id, completion_id) DO UPDATE SET member_id = excluded.member_id,
          period = excluded.period, points = excluded.points, photo_id = excluded.photo_id, note = excluded.note,
          status = 'pending', marked_at = excluded.marked_at, decided_by = NULL, decided_at = NULL,
          approved_seq = NULL, reason = NULL, seq = excluded.seq`;
    }
    case 'choreApproved':
      return sql`UPDATE ${t('completions')} SET status = 'approved', decided_by = ${event.value.approvedBy},
        decided_at = ${at}, approved_seq = ${seq}, seq = ${seq}
        WHERE chore_id = ${event.value.choreId} AND completion_id = ${event.value.completionId}`;
    case 'choreRejected':
      return sql`UPDATE ${t('completions')} SET status = 'rejected', decided_by = ${event.value.rejectedBy},
        decided_at = ${at}, approved_seq = NULL, reason = ${event.value.reason || null}, seq = ${seq}
        WHERE chore_id = ${event.value.choreId} AND completion_id = ${event.value.completionId}`;
    case 'challengeCreated': {
      const v = event.value;
      return sql`INSERT INTO ${t('challenges')} (challenge_id, title, week, metric, target, reward_xp, member_ids,
          created_by, created_at, seq)
        VALUES (${v.challengeId}, ${v.title}, ${v.week}, ${v.metric}, ${v.target}, ${v.rewardXp},
          ${v.memberIds}::text[], ${v.createdBy}, ${at}, ${seq})
        ON CONFLICT (challenge_id) DO NOTHING`;
    }
    case 'challengeCancelled':
      return sql`UPDATE ${t('challenges')} SET cancelled = true, seq = ${seq}
        WHERE challenge_id = ${event.value.challengeId}`;
    case 'challengeCompleted': {
      const v = event.value;
      return sql`INSERT INTO ${t('rewards')} (challenge_id, member_id, reward_xp, at, seq)
        VALUES (${v.challengeId}, ${v.memberId}, ${v.rewardXp}, ${at}, ${seq})
        ON CONFLICT (challenge_id, member_id) DO NOTHING`;
    }
    default:
      return undefined;
  }
}
