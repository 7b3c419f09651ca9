// The level curve as a pure function.
import { describe, expect, it } from 'vitest';
import { levelFor, levelView, xpForLevel } from './level.ts';

describe('the level curve', () => {
  it('needs 0.25·L² + 10·L + 140 XP from level L to L+1, exactly', () => {
    expect(xpForLevel(1)).toBe(0);
    expect(xpForLevel(2)).toBe(151); // 150.25, reached at the first whole XP past it
    expect(xpForLevel(3)).toBe(312); // 150.25 + 161
    expect(xpForLevel(4)).toBe(484); // + 172.25 → 483.5
    expect(levelFor(150)).toBe(1);
    expect(levelFor(151)).toBe(2);
    expect(levelFor(311)).toBe(2);
    expect(levelFor(312)).toBe(3);
    expect(levelView(200)).toEqual({ level: 2, levelStartXp: 151, nextLevelXp: 312 });
  });

  it('grows by the formula at high levels too', () => {
    // From level 20 to 21: 0.25·400 + 200 + 140 = 440.
    const quarters = (l: number) => l * l + 40 * l + 560;
    let total = 0;
    for (let l = 1; l < 20; l++) total += quarters(l);
    expect(xpForLevel(20)).toBe(Math.ceil(total / 4));
    expect(xpForLevel(21) - xpForLevel(20)).toBeCloseTo(440, -1);
  });
});
