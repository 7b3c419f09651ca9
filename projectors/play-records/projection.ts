// The facts of play (rules, settings, matches, chores, challenges, rewards) as tables. Scores
// are not stored here: score/engine.ts computes them from these tables and play_activity, so
// a rebuild, a rule change and a preview can never disagree with the live numbers.
// A batch loads the rows its events touch, folds the events over them in log order, and
// writes each changed row once, one UNNEST statement per table.

import { timestampDate } from '@bufbuild/protobuf/wkt';
import { type Kysely, sql } from 'kysely';
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import { aroundErasures, blankMember, type PersonalCopy } from '../runtime/erasures.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261122 from './migrations/20261122T1905_play.ts';
import * as m20261206 from './migrations/20261206T2300_challenge_start.ts';
import {
  type ChallengeRow,
  type ChoreRow,
  type CompletionRow,
  load,
  type MatchRow,
  type RewardRow,
  type RulesRow,
  type SettingsRow,
  writeChallenges,
  writeChores,
  writeCompletions,
  writeMatches,
  writeRewards,
  writeRules,
  writeSettings,
} from './rows.ts';

export const PLAY = 'play_records';

type Event = StoredEvent<PlayEvent>;

const pair = (a: string, b: string) => `${a}\u0000${b}`;

export const playRecordsProjection: Projection<unknown, PlayEvent> = {
  name: PLAY,
  domain: 'play',
  migrations: { '20261122T1905_play': m20261122, '20261206T2300_challenge_start': m20261206 },
  // Every row's seq is its last event's: each fold sets it (rewards and rules are written once).
  lineage: {
    rules: { key: ['version'], seq: 'seq' },
    settings: { key: ['id'], seq: 'seq' },
    matches: { key: ['match_id'], seq: 'seq' },
    chores: { key: ['chore_id'], seq: 'seq' },
    completions: { key: ['chore_id', 'completion_id'], seq: 'seq' },
    challenges: { key: ['challenge_id'], seq: 'seq' },
    rewards: { key: ['challenge_id', 'member_id'], seq: 'seq' },
  },
  apply: (events, { db, schema }) =>
    aroundErasures(
      events,
      (run) => applyRun(run, db, schema),
      (memberId) => blankMember(db, { readModel: PLAY, schema }, memberId, PERSONAL),
    ),
};

/** The notes their chores were marked done with, as a rebuild reads them: none. */
const PERSONAL: PersonalCopy[] = [
  { table: 'completions', member: 'member_id', where: sql`note IS NOT NULL`, blank: { note: sql`NULL` } },
];

/** A run of events between erasures: the rows they touch, loaded, folded and written. */
async function applyRun(events: Event[], db: Kysely<unknown>, schema: string): Promise<void> {
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
    const v = event.value as Partial<Record<'matchId' | 'choreId' | 'completionId' | 'challengeId', string>>;
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
          starts_at: v.startsAt ? timestampDate(v.startsAt) : null,
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
}
