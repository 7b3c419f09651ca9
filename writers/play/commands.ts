// The play commands as the edge calls them: load what the decision reads, then append
// through the appender (OCC and idempotency live there).
import type { RuleSet } from '../../contracts/play.schema.ts';
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import { type ChallengeCommand, challengeAggregate, rewardAggregate } from './challenge.ts';
import { type ChoreCommand, choreAggregate } from './chore.ts';
import { type CompletionCommand, completionAggregate } from './completion.ts';
import { playErrors } from './errors.ts';
import { checkedId, FAMILY_ID, pairKey } from './ids.ts';
import { appenderReader, type PlayReader } from './load.ts';
import { type MatchCommand, matchAggregate, type PlacementInput } from './match.ts';
import { completionIdFor, periodOf } from './period.ts';
import { assignVersions, normalizeRules, rulesAggregate } from './rules.ts';
import { settingsAggregate } from './settings.ts';

/** canManage: the actor's role may manage play (admins); the edge asks the permissions. */
type By = { by: string; canManage: boolean };
type OnMatch = { matchId: string };
type OnCompletion = { choreId: string; completionId: string };

export type PlayWriter = ReturnType<typeof createPlayWriter>;

/**
 * reader: what decisions read but do not write (the chore when marking it done, the time
 * zone). Several edge processes need createPlayReader({ log }), which is always current;
 * without one the appender's per-process cache is read.
 */
export function createPlayWriter({ appender, reader }: { appender: Appender; reader?: PlayReader }) {
  const read = reader ?? appenderReader(appender);

  const onMatch = async (command: MatchCommand, meta: CommandMeta): Promise<AppendResult> =>
    appender.append({ type: matchAggregate, id: checkedId(command.matchId, 'match'), command, meta });
  const onChore = async (command: ChoreCommand, meta: CommandMeta): Promise<AppendResult> =>
    appender.append({ type: choreAggregate, id: checkedId(command.choreId, 'chore'), command, meta });
  const onCompletion = async (command: CompletionCommand, meta: CommandMeta): Promise<AppendResult> =>
    appender.append({
      type: completionAggregate,
      id: pairKey(checkedId(command.choreId, 'chore'), checkedId(command.completionId, 'completion')),
      command,
      meta,
    });
  const onChallenge = async (command: ChallengeCommand, meta: CommandMeta): Promise<AppendResult> =>
    appender.append({
      type: challengeAggregate,
      id: checkedId(command.challengeId, 'challenge'),
      command,
      meta,
    });

  return {
    /** The rule set as publishing it now would store it: checked, and each rule versioned. */
    draftRules: async (rules: RuleSet): Promise<RuleSet> => {
      const next = normalizeRules(rules);
      return assignVersions(next, (await read.rules()).state);
    },
    /** Also answers the version now in force (unchanged when nothing changed). */
    publishRules: async (
      input: { rules: RuleSet; expectedVersion: number; by: string },
      meta: CommandMeta,
    ): Promise<AppendResult & { version: number }> => {
      const result = await appender.append({
        type: rulesAggregate,
        id: FAMILY_ID,
        command: { type: 'publish', ...input },
        meta,
      });
      return { ...result, version: input.expectedVersion + (result.appended > 0 ? 1 : 0) };
    },
    changeSettings: async (
      input: { timeZone?: string | undefined; hiddenMemberIds?: string[] | undefined; by: string },
      meta: CommandMeta,
    ) =>
      appender.append({
        type: settingsAggregate,
        id: FAMILY_ID,
        command: { type: 'change', ...input },
        meta,
      }),

    reportMatch: (
      input: OnMatch & { game: string; gameName?: string | undefined; placements: PlacementInput[] } & By,
      meta: CommandMeta,
    ) => onMatch({ type: 'report', ...input, now: meta.now }, meta),
    confirmMatch: (input: OnMatch & By, meta: CommandMeta) =>
      onMatch({ type: 'confirm', ...input, now: meta.now }, meta),
    rejectMatch: (input: OnMatch & By, meta: CommandMeta) => onMatch({ type: 'reject', ...input }, meta),
    voidMatch: (input: OnMatch & By & { reason?: string | undefined }, meta: CommandMeta) =>
      onMatch({ type: 'void', ...input, reason: input.reason ?? '' }, meta),

    defineChore: (
      input: {
        choreId: string;
        title: string;
        points: number;
        recurrence?: 'once' | 'daily' | 'weekly' | undefined;
        by: string;
      },
      meta: CommandMeta,
    ) => onChore({ type: 'define', ...input }, meta),
    retireChore: (input: { choreId: string; by: string }, meta: CommandMeta) =>
      onChore({ type: 'retire', ...input }, meta),
    /** The period comes from meta.now in the family time zone; answers the completion it landed on. */
    markChoreDone: async (
      input: {
        choreId: string;
        memberId: string;
        photoId?: string | undefined;
        note?: string | undefined;
      },
      meta: CommandMeta,
    ): Promise<AppendResult & { completionId: string; period: string }> => {
      const [chore, settings] = await Promise.all([read.chore(input.choreId), read.settings()]);
      if (chore.state.status === 'none') throw playErrors.choreNotFound();
      const { recurrence } = chore.state;
      const period = periodOf(recurrence, meta.now, settings.state.timeZone);
      const completionId = completionIdFor(recurrence, period, input.memberId);
      const result = await onCompletion(
        { type: 'markDone', ...input, completionId, period, chore: chore.state },
        meta,
      );
      return { ...result, completionId, period };
    },
    /** memberId: whose completion the admin decides on (see completion.ts). */
    approveCompletion: (input: OnCompletion & By & { memberId?: string | undefined }, meta: CommandMeta) =>
      onCompletion({ type: 'approve', ...input }, meta),
    rejectCompletion: (
      input: OnCompletion & By & { memberId?: string | undefined; reason?: string | undefined },
      meta: CommandMeta,
    ) => onCompletion({ type: 'reject', ...input, reason: input.reason ?? '' }, meta),

    /**
     * Without a week, this week (family time zone); answers the week it is for. Progress
     * counts from now, unless `fromWeekStart` asks for the whole week.
     */
    createChallenge: async (
      {
        fromWeekStart,
        ...input
      }: Omit<Extract<ChallengeCommand, { type: 'create' }>, 'type' | 'week' | 'memberIds' | 'startsAt'> & {
        week?: string | undefined;
        memberIds?: string[] | undefined;
        fromWeekStart?: boolean | undefined;
      },
      meta: CommandMeta,
    ): Promise<AppendResult & { week: string; startsAt: Date | null }> => {
      const week = input.week ?? periodOf('weekly', meta.now, (await read.settings()).state.timeZone);
      const startsAt = fromWeekStart ? null : meta.now;
      const result = await onChallenge(
        { type: 'create', ...input, week, memberIds: input.memberIds ?? [], startsAt },
        meta,
      );
      return { ...result, week, startsAt };
    },
    cancelChallenge: (input: { challengeId: string; by: string }, meta: CommandMeta) =>
      onChallenge({ type: 'cancel', ...input }, meta),
    /**
     * Appends ChallengeCompleted at most once per (challenge, member), whatever the command id,
     * with the challenge's own reward. Only a running challenge rewards, and only its members.
     */
    completeChallenge: async (input: { challengeId: string; memberId: string }, meta: CommandMeta) => {
      const challengeId = checkedId(input.challengeId, 'challenge');
      const { state: challenge } = await read.challenge(challengeId);
      if (challenge.status === 'none') throw playErrors.challengeNotFound();
      if (challenge.status === 'cancelled') throw playErrors.challengeCancelled();
      if (challenge.memberIds.length > 0 && !challenge.memberIds.includes(input.memberId))
        throw playErrors.notInChallenge();
      return appender.append({
        type: rewardAggregate,
        id: pairKey(challengeId, checkedId(input.memberId, 'challenge')),
        command: { type: 'complete', ...input, rewardXp: challenge.rewardXp },
        meta,
      });
    },
  };
}
