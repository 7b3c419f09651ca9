// Elo as FIDE computes it, in whole hundredths of a point so a replay reproduces every rating
// bit for bit: the expected score comes from FIDE's table (rating difference → PD, two
// decimals), a difference over 400 counts as 400, and ΔR = K × (W − PD). A free-for-all is
// scored as pairwise results against the other players, averaged over the opponents.

/** Upper bound of the rating difference for PD = 0.50, 0.51, … 0.99 (FIDE Handbook B.02 8.1.2). */
const PD_BOUNDS = [
  3, 10, 17, 25, 32, 39, 46, 53, 61, 68, 76, 83, 91, 98, 106, 113, 121, 129, 137, 145, 153, 162, 170, 179,
  188, 197, 206, 215, 225, 235, 245, 256, 267, 278, 290, 302, 315, 328, 344, 357, 374, 391, 411, 432, 456,
  484, 517, 559, 619, 735,
];
const MAX_DIFFERENCE = 400;

/** The expected score, in hundredths, of a player rated `own` against `other` (both in hundredths). */
export function expectedScore(own: number, other: number): number {
  const difference = Math.min(MAX_DIFFERENCE, Math.floor((Math.abs(own - other) + 50) / 100));
  let pd = 100;
  for (let i = 0; i < PD_BOUNDS.length; i++) {
    if (difference <= (PD_BOUNDS[i] as number)) {
      pd = 50 + i;
      break;
    }
  }
  return own >= other ? pd : 100 - pd;
}

export type EloSettings = {
  initial: number;
  kProvisional: number;
  kEstablished: number;
  provisionalGames: number;
};
export type Rating = { rating: number; games: number };
export type Placement = { userId: string; place: number };

/** Half away from zero, on integers only. */
function divideRounded(numerator: number, denominator: number): number {
  const q = Math.floor((Math.abs(numerator) * 2 + denominator) / (2 * denominator));
  return numerator < 0 ? -q : q;
}

/**
 * Rating changes (hundredths) for one settled match, from the ratings before it.
 * `ratings` holds hundredths; a player absent from it starts at the initial rating.
 */
export function matchDeltas(
  placements: Placement[],
  ratings: ReadonlyMap<string, Rating>,
  settings: EloSettings,
): Map<string, number> {
  const before = (id: string): Rating => ratings.get(id) ?? { rating: settings.initial * 100, games: 0 };
  const deltas = new Map<string, number>();
  const opponents = placements.length - 1;
  for (const me of placements) {
    const mine = before(me.userId);
    const k = mine.games < settings.provisionalGames ? settings.kProvisional : settings.kEstablished;
    let sum = 0;
    for (const other of placements) {
      if (other === me) continue;
      const score = me.place < other.place ? 100 : me.place === other.place ? 50 : 0;
      sum += k * (score - expectedScore(mine.rating, before(other.userId).rating));
    }
    deltas.set(me.userId, divideRounded(sum, opponents));
  }
  return deltas;
}

export type RatedMatch = { matchId: string; game: string; placements: Placement[] };

/** Folds settled matches in log order; voided matches are simply not in the list. */
export function rateMatches(
  matches: RatedMatch[],
  settings: EloSettings,
): { ratings: Map<string, Map<string, Rating>>; deltas: Map<string, Map<string, number>> } {
  const ratings = new Map<string, Map<string, Rating>>();
  const deltas = new Map<string, Map<string, number>>();
  for (const match of matches) {
    let game = ratings.get(match.game);
    if (!game) {
      game = new Map();
      ratings.set(match.game, game);
    }
    const change = matchDeltas(match.placements, game, settings);
    for (const p of match.placements) {
      const was = game.get(p.userId) ?? { rating: settings.initial * 100, games: 0 };
      game.set(p.userId, { rating: was.rating + (change.get(p.userId) ?? 0), games: was.games + 1 });
    }
    deltas.set(match.matchId, change);
  }
  return { ratings, deltas };
}
