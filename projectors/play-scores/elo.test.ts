// FIDE Elo as pure functions, and what recomputes when a match is voided.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../contracts/play.schema.ts';
import { expectedScore, matchDeltas, rateMatches } from './elo.ts';
import { computeScores } from './engine.ts';
import { facts, match, NOW } from './fixtures.ts';

const elo = { initial: 1200, kProvisional: 40, kEstablished: 20, provisionalGames: 30 };

describe('Elo, checked against hand-computed FIDE examples', () => {
  it('looks up the expected score in FIDE’s table, counting a difference over 400 as 400', () => {
    expect(expectedScore(120000, 120000)).toBe(50);
    expect(expectedScore(210000, 200000)).toBe(64); // D = 100 → 0.64
    expect(expectedScore(200000, 210000)).toBe(36);
    expect(expectedScore(150000, 100000)).toBe(92); // D = 500 counts as 400 → 0.92
    expect(expectedScore(122000, 118000)).toBe(56); // D = 40 → 0.56
  });

  it('two newcomers at 1200: the winner gains K·(1 − 0.50) = 40 × 0.5 = 20', () => {
    const d = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 2 },
      ],
      new Map(),
      elo,
    );
    expect(d.get('ann')).toBe(2000);
    expect(d.get('bob')).toBe(-2000);
  });

  it('1220 beats 1180 (D = 40, PD 0.56): +40 × 0.44 = 17.6 and −17.6', () => {
    const ratings = new Map([
      ['ann', { rating: 122000, games: 1 }],
      ['bob', { rating: 118000, games: 1 }],
    ]);
    const d = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 2 },
      ],
      ratings,
      elo,
    );
    expect(d.get('ann')).toBe(1760);
    expect(d.get('bob')).toBe(-1760);
  });

  it('established players (K = 20) drawing at 2100 vs 2000: −2.8 and +2.8', () => {
    const ratings = new Map([
      ['ann', { rating: 210000, games: 40 }],
      ['bob', { rating: 200000, games: 40 }],
    ]);
    const d = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 1 },
      ],
      ratings,
      elo,
    );
    expect(d.get('ann')).toBe(-280);
    expect(d.get('bob')).toBe(280);
  });

  it('scores a free-for-all as pairwise results averaged over the opponents', () => {
    const d = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 2 },
        { userId: 'cy', place: 3 },
      ],
      new Map(),
      elo,
    );
    // Ann: two wins at PD 0.50 → 40·0.5·2 / 2 = 20; Bob: one win, one loss → 0; Cy: −20.
    expect([d.get('ann'), d.get('bob'), d.get('cy')]).toEqual([2000, 0, -2000]);
  });

  it('uses K = 40 for a player’s first 30 games, then 20, and shows them provisional until then', () => {
    const games = Array.from({ length: 31 }, (_, i) =>
      match(`m${i}`, i + 1, [
        ['ann', 1],
        ['bob', 1],
      ]),
    );
    const { ratings } = rateMatches(games, elo);
    expect(ratings.get('chess')?.get('ann')).toEqual({ rating: 120000, games: 31 });
    const scores = (n: number) =>
      computeScores(facts({ matches: games.slice(0, n) }), DEFAULT_RULES, NOW).members.get('ann')?.ratings[0];
    expect(scores(29)?.provisional).toBe(true);
    expect(scores(30)?.provisional).toBe(false);
    // The 31st game: Ann (30 games) now changes by K = 20, Bob too.
    const thirtyFirst = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 2 },
      ],
      new Map([
        ['ann', { rating: 120000, games: 30 }],
        ['bob', { rating: 120000, games: 29 }],
      ]),
      elo,
    );
    expect(thirtyFirst.get('ann')).toBe(1000);
    expect(thirtyFirst.get('bob')).toBe(-2000);
  });

  it('recomputes every later rating when a match is voided', () => {
    const all = [
      match('a', 1, [
        ['ann', 1],
        ['bob', 2],
      ]),
      match('b', 2, [
        ['bob', 1],
        ['ann', 2],
      ]),
      match('c', 3, [
        ['ann', 1],
        ['bob', 2],
      ]),
    ];
    const withoutFirst = rateMatches(all.slice(1), elo);
    const voided = computeScores(facts({ matches: all.slice(1) }), DEFAULT_RULES, NOW);
    expect(voided.members.get('ann')?.ratings[0]?.rating).toBe(
      Math.round((withoutFirst.ratings.get('chess')?.get('ann')?.rating ?? 0) / 100),
    );
    // Bob won the (now) first game at 1200 each: +20; the last game then starts from 1220/1180.
    expect(withoutFirst.deltas.get('b')?.get('bob')).toBe(2000);
    expect(withoutFirst.deltas.get('c')?.get('ann')).toBe(40 * (100 - 44));
  });
});
