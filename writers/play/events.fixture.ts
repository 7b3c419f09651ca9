// Event builders for the play decider specs.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ChallengeCancelledSchema,
  ChallengeCompletedSchema,
  ChallengeCreatedSchema,
  ChoreApprovedSchema,
  ChoreDefinedSchema,
  ChoreMarkedDoneSchema,
  ChoreRejectedSchema,
  ChoreRetiredSchema,
  MatchConfirmedSchema,
  MatchRejectedSchema,
  MatchReportedSchema,
  MatchSettledSchema,
  MatchVoidedSchema,
  PlacementSchema,
  RulesPublishedSchema,
  SettingsChangedSchema,
} from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { RuleSet } from '../../contracts/play.schema.ts';
import type { PlayEventBody } from './state.ts';

export const NOW = new Date('2025-03-10T12:00:00Z');
export const WEEK_LATER = new Date('2025-03-17T12:00:00Z');

export const ev = {
  rulesPublished: (version: number, rules: RuleSet, publishedBy = 'admin'): PlayEventBody => ({
    case: 'rulesPublished',
    value: create(RulesPublishedSchema, { version, rulesJson: JSON.stringify(rules), publishedBy }),
  }),
  settingsChanged: (
    timeZone: string,
    hiddenMemberIds: string[] = [],
    changedBy = 'admin',
  ): PlayEventBody => ({
    case: 'settingsChanged',
    value: create(SettingsChangedSchema, { timeZone, hiddenMemberIds, changedBy }),
  }),
  matchReported: (
    matchId: string,
    placements: [string, number][],
    reportedBy: string,
    extra: { game?: string; gameName?: string; expiresAt?: Date } = {},
  ): PlayEventBody => ({
    case: 'matchReported',
    value: create(MatchReportedSchema, {
      matchId,
      game: extra.game ?? 'chess',
      gameName: extra.gameName ?? 'Chess',
      placements: placements.map(([userId, place]) => create(PlacementSchema, { userId, place })),
      reportedBy,
      expiresAt: timestampFromDate(extra.expiresAt ?? WEEK_LATER),
    }),
  }),
  matchConfirmed: (matchId: string, confirmedBy: string): PlayEventBody => ({
    case: 'matchConfirmed',
    value: create(MatchConfirmedSchema, { matchId, confirmedBy }),
  }),
  matchSettled: (matchId: string, settledByAdmin = '', game = 'chess'): PlayEventBody => ({
    case: 'matchSettled',
    value: create(MatchSettledSchema, { matchId, game, settledByAdmin }),
  }),
  matchRejected: (matchId: string, rejectedBy: string): PlayEventBody => ({
    case: 'matchRejected',
    value: create(MatchRejectedSchema, { matchId, rejectedBy }),
  }),
  matchVoided: (matchId: string, voidedBy = 'admin', reason = '', game = 'chess'): PlayEventBody => ({
    case: 'matchVoided',
    value: create(MatchVoidedSchema, { matchId, game, voidedBy, reason }),
  }),
  choreDefined: (
    choreId: string,
    extra: { title?: string; points?: number; recurrence?: string; definedBy?: string } = {},
  ): PlayEventBody => ({
    case: 'choreDefined',
    value: create(ChoreDefinedSchema, {
      choreId,
      title: extra.title ?? 'Dishes',
      points: extra.points ?? 10,
      recurrence: extra.recurrence ?? 'daily',
      definedBy: extra.definedBy ?? 'admin',
    }),
  }),
  choreRetired: (choreId: string, retiredBy = 'admin'): PlayEventBody => ({
    case: 'choreRetired',
    value: create(ChoreRetiredSchema, { choreId, retiredBy }),
  }),
  choreMarkedDone: (
    choreId: string,
    completionId: string,
    memberId: string,
    period: string,
    extra: { points?: number; photoId?: string; note?: string } = {},
  ): PlayEventBody => ({
    case: 'choreMarkedDone',
    value: create(ChoreMarkedDoneSchema, {
      choreId,
      completionId,
      memberId,
      period,
      points: extra.points ?? 10,
      photoId: extra.photoId ?? '',
      note: extra.note ?? '',
    }),
  }),
  choreApproved: (
    choreId: string,
    completionId: string,
    memberId: string,
    approvedBy = 'admin',
  ): PlayEventBody => ({
    case: 'choreApproved',
    value: create(ChoreApprovedSchema, { choreId, completionId, memberId, approvedBy }),
  }),
  choreRejected: (
    choreId: string,
    completionId: string,
    memberId: string,
    wasApproved = false,
    reason = '',
    rejectedBy = 'admin',
  ): PlayEventBody => ({
    case: 'choreRejected',
    value: create(ChoreRejectedSchema, { choreId, completionId, memberId, rejectedBy, reason, wasApproved }),
  }),
  challengeCreated: (
    challengeId: string,
    extra: {
      title?: string;
      week?: string;
      metric?: string;
      target?: number;
      rewardXp?: number;
      memberIds?: string[];
      createdBy?: string;
      startsAt?: Date;
    } = {},
  ): PlayEventBody => ({
    case: 'challengeCreated',
    value: create(ChallengeCreatedSchema, {
      challengeId,
      title: extra.title ?? 'Talk more',
      week: extra.week ?? '2025-03-10',
      metric: extra.metric ?? 'messages_sent',
      target: extra.target ?? 20,
      rewardXp: extra.rewardXp ?? 50,
      memberIds: extra.memberIds ?? [],
      createdBy: extra.createdBy ?? 'admin',
      ...(extra.startsAt ? { startsAt: timestampFromDate(extra.startsAt) } : {}),
    }),
  }),
  challengeCancelled: (challengeId: string, cancelledBy = 'admin'): PlayEventBody => ({
    case: 'challengeCancelled',
    value: create(ChallengeCancelledSchema, { challengeId, cancelledBy }),
  }),
  challengeCompleted: (challengeId: string, memberId: string, rewardXp = 50): PlayEventBody => ({
    case: 'challengeCompleted',
    value: create(ChallengeCompletedSchema, { challengeId, memberId, rewardXp }),
  }),
};
