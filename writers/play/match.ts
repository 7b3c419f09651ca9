// One reported match: the players confirm it (or an admin settles it) before it counts.
// A report nobody confirmed within MATCH_CONFIRM_DAYS counts for nothing.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  MatchConfirmedSchema,
  MatchRejectedSchema,
  MatchReportedSchema,
  MatchSettledSchema,
  MatchVoidedSchema,
  PlacementSchema,
  type PlayEvent,
  PlayEventSchema,
} from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { playErrors } from './errors.ts';
import { evolveMatch, initialMatch, type Match, type PlayEventBody } from './state.ts';

export const MATCH_CONFIRM_DAYS = 7;
export const MIN_PLAYERS = 2;
export const MAX_PLAYERS = 8;
const DAY_MS = 24 * 60 * 60 * 1000;
const GAME_KEY = /^[a-z0-9][a-z0-9-]{0,39}$/;

export type PlacementInput = { userId: string; place: number };

/** canManage: the actor may manage play (admins); the edge asks the permissions. */
export type MatchCommand =
  | {
      type: 'report';
      matchId: string;
      /** The game as typed ("Mario Kart"): its key is derived ("mario-kart"). */
      game: string;
      /** The name to show; absent or blank: the game as typed, trimmed. */
      gameName?: string | undefined;
      placements: PlacementInput[];
      by: string;
      canManage: boolean;
      now: Date;
    }
  | { type: 'confirm'; matchId: string; by: string; canManage: boolean; now: Date }
  | { type: 'reject'; matchId: string; by: string; canManage: boolean }
  | { type: 'void'; matchId: string; by: string; canManage: boolean; reason: string };

type Of<T extends MatchCommand['type']> = Extract<MatchCommand, { type: T }>;
type Existing = Exclude<Match, { status: 'none' }>;

export function decideMatch(command: MatchCommand, state: Match): PlayEventBody[] {
  switch (command.type) {
    case 'report':
      return report(command, state);
    case 'confirm':
      return confirm(command, existing(state));
    case 'reject':
      return reject(command, existing(state));
    case 'void':
      // Admins only: nobody else learns whether the match exists.
      if (!command.canManage) throw playErrors.notAllowed();
      return voidMatch(command, existing(state));
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

function existing(state: Match): Existing {
  if (state.status === 'none') throw playErrors.matchNotFound();
  return state;
}

/** "Mario Kart " → "mario-kart"; a 400 when the key is not [a-z0-9][a-z0-9-]{0,39}. */
export function gameKey(game: string): string {
  const key = game.trim().toLowerCase().replace(/\s+/g, '-');
  if (!GAME_KEY.test(key)) throw playErrors.invalidGame(undefined, { field: 'game' });
  return key;
}

/**
 * Places as in sports rankings: each is 1 + the number of players placed strictly better,
 * so a draw shares a place and the next one skips ([1, 1, 3]). Sorted best first, ties kept
 * in the order given.
 */
export function checkedPlacements(placements: PlacementInput[]): PlacementInput[] {
  const players = new Set(placements.map((p) => p.userId));
  if (players.size !== placements.length || players.size < MIN_PLAYERS || players.size > MAX_PLAYERS) {
    throw playErrors.invalidPlayers(undefined, { field: 'placements' });
  }
  for (const p of placements) {
    const better = placements.filter((q) => q.place < p.place).length;
    if (!Number.isInteger(p.place) || p.place !== better + 1) {
      throw playErrors.invalidPlacements(undefined, { field: 'placements' });
    }
  }
  return placements
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.place - b.p.place || a.i - b.i)
    .map(({ p }) => p);
}

function report(command: Of<'report'>, state: Match) {
  if (state.status !== 'none') throw playErrors.matchExists();
  const game = gameKey(command.game);
  const gameName = command.gameName?.trim() || command.game.trim();
  const placements = checkedPlacements(command.placements);
  if (!command.canManage && !placements.some((p) => p.userId === command.by)) throw playErrors.notAPlayer();
  const value = create(MatchReportedSchema, {
    matchId: command.matchId,
    game,
    gameName,
    placements: placements.map((p) => create(PlacementSchema, p)),
    reportedBy: command.by,
    expiresAt: timestampFromDate(new Date(command.now.getTime() + MATCH_CONFIRM_DAYS * DAY_MS)),
  });
  return [{ case: 'matchReported', value } as const];
}

function settled(state: Existing, settledByAdmin: string): PlayEventBody {
  return {
    case: 'matchSettled',
    value: create(MatchSettledSchema, { matchId: state.id, game: state.game, settledByAdmin }),
  };
}

/** Whether every player but the reporter (whose report is their confirmation) confirmed. */
const everyoneConfirmed = (state: Existing, confirmations = state.confirmations) =>
  state.players.every((p) => p === state.reporter || confirmations.includes(p));

function confirm(command: Of<'confirm'>, state: Existing): PlayEventBody[] {
  if (state.status === 'rejected' || state.status === 'voided') throw playErrors.matchClosed();
  if (state.status === 'settled') return [];
  const isPlayer = state.players.includes(command.by);
  // The last confirmation and the settlement are two appends: when only the first got
  // written, any player asking again (a retry, the reporter) settles it, even after the window.
  if (isPlayer && everyoneConfirmed(state)) return [settled(state, '')];
  if (command.now.getTime() > state.expiresAt) throw playErrors.matchExpired();
  if (!isPlayer) {
    if (!command.canManage) throw playErrors.notAPlayer();
    return [settled(state, command.by)];
  }
  if (command.by === state.reporter || state.confirmations.includes(command.by)) return [];
  const everyone = everyoneConfirmed(state, [...state.confirmations, command.by]);
  const value = create(MatchConfirmedSchema, { matchId: state.id, confirmedBy: command.by });
  return [{ case: 'matchConfirmed', value }, ...(everyone ? [settled(state, '')] : [])];
}

function reject(command: Of<'reject'>, state: Existing) {
  if (!command.canManage && !state.players.includes(command.by)) throw playErrors.notAPlayer();
  if (state.status === 'rejected') return [];
  if (state.status === 'settled') throw playErrors.matchSettled();
  if (state.status === 'voided') throw playErrors.matchClosed();
  const value = create(MatchRejectedSchema, { matchId: state.id, rejectedBy: command.by });
  return [{ case: 'matchRejected', value } as const];
}

function voidMatch(command: Of<'void'>, state: Existing) {
  if (state.status === 'voided') return [];
  if (state.status !== 'settled') throw playErrors.matchNotSettled();
  const value = create(MatchVoidedSchema, {
    matchId: state.id,
    game: state.game,
    voidedBy: command.by,
    reason: command.reason.trim(),
  });
  return [{ case: 'matchVoided', value } as const];
}

export const matchAggregate: AggregateType<Match, MatchCommand, PlayEvent> = {
  domain: 'play',
  envelope: PlayEventSchema,
  subject: (names, matchId) => names.play.match(matchId),
  decider: { initialState: initialMatch, evolve: evolveMatch, decide: decideMatch },
  concurrency: 'optimistic',
};
