// Reads play aggregates a decision needs but does not write (the chore when marking it done,
// the settings' time zone), and what the edge shows or answers 404s with. The appender's
// cache is per process and only corrected by a failed expectation, which never happens on a
// subject nobody appends to here: a chore retired through another edge would still look
// active. So the reader goes through the log (writers/log/read-through.ts).
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { AggregateType, Appender } from '../log/append.ts';
import type { Log } from '../log/open.ts';
import { createReadThrough, type Loaded } from '../log/read-through.ts';
import { challengeAggregate, rewardAggregate } from './challenge.ts';
import { choreAggregate } from './chore.ts';
import { completionAggregate } from './completion.ts';
import { checkedId, FAMILY_ID, pairKey } from './ids.ts';
import { matchAggregate } from './match.ts';
import { rulesAggregate } from './rules.ts';
import { settingsAggregate } from './settings.ts';
import type { Challenge, Chore, Completion, Match, Reward, RulesState, Settings } from './state.ts';

export type { Loaded };

export type PlayReader = {
  rules: () => Promise<Loaded<RulesState>>;
  settings: () => Promise<Loaded<Settings>>;
  match: (matchId: string) => Promise<Loaded<Match>>;
  chore: (choreId: string) => Promise<Loaded<Chore>>;
  completion: (choreId: string, completionId: string) => Promise<Loaded<Completion>>;
  challenge: (challengeId: string) => Promise<Loaded<Challenge>>;
  reward: (challengeId: string, memberId: string) => Promise<Loaded<Reward>>;
};

type Load = <S, C>(type: AggregateType<S, C, PlayEvent>, id: string) => Promise<Loaded<S>>;

/** Reads through the log, always current (one direct get when nothing changed). */
export function createPlayReader({ log }: { log: Log }): PlayReader {
  const { load } = createReadThrough({ log });
  return readerOver(load);
}

/**
 * Reads through the appender's cache: current for what this process appends, possibly stale
 * for what other processes append. Enough for a single process and for tests.
 */
export function appenderReader(appender: Appender): PlayReader {
  return readerOver((type, id) => appender.load(type, id));
}

// Async throughout: an id that names nothing rejects like any other read.
function readerOver(load: Load): PlayReader {
  return {
    rules: async () => load(rulesAggregate, FAMILY_ID),
    settings: async () => load(settingsAggregate, FAMILY_ID),
    match: async (matchId) => load(matchAggregate, checkedId(matchId, 'match')),
    chore: async (choreId) => load(choreAggregate, checkedId(choreId, 'chore')),
    completion: async (choreId, completionId) =>
      load(completionAggregate, pairKey(checkedId(choreId, 'chore'), checkedId(completionId, 'completion'))),
    challenge: async (challengeId) => load(challengeAggregate, checkedId(challengeId, 'challenge')),
    reward: async (challengeId, memberId) =>
      load(rewardAggregate, pairKey(checkedId(challengeId, 'challenge'), checkedId(memberId, 'challenge'))),
  };
}
