// The level curve: XP needed to go from level L to L+1 is 0.25·L² + 10·L + 140 (Habitica's
// shape). Kept exact in quarters of XP, so no float rounding decides a level.

/** 4 × the XP needed for L → L+1. */
const quarterStep = (level: number): number => level * level + 40 * level + 560;

const cumulative: number[] = [0, 0]; // quarters of XP to reach level L (index L), level 1 at 0

function quartersToReach(level: number): number {
  while (cumulative.length <= level) {
    const l = cumulative.length - 1;
    cumulative.push((cumulative[l] as number) + quarterStep(l));
  }
  return cumulative[level] as number;
}

/** The least whole XP at which a member is at this level (level 1 at 0). */
export function xpForLevel(level: number): number {
  return Math.ceil(quartersToReach(Math.max(1, level)) / 4);
}

export function levelFor(xp: number): number {
  const quarters = 4 * Math.max(0, Math.floor(xp));
  let level = 1;
  while (quartersToReach(level + 1) <= quarters) level++;
  return level;
}

export type LevelView = { level: number; levelStartXp: number; nextLevelXp: number };

export function levelView(xp: number): LevelView {
  const level = levelFor(xp);
  return { level, levelStartXp: xpForLevel(level), nextLevelXp: xpForLevel(level + 1) };
}
