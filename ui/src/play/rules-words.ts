// The rule set in family words: what each XP rule is about, which form field a path the API
// names ("rules.xp.0.xp") belongs to, and what is wrong with it, said the way a parent would
// ("XP for a message can't be negative", not "Field 'rules.xp.0.xp' must be >= 0").
import type { RuleSet, XpEvent } from '../../../contracts/play.schema.ts';

/** "XP for …": what one XP rule pays for. */
export const XP_FOR: Record<XpEvent, string> = {
  message_posted: 'a message',
  photo_shared: 'a photo',
  file_shared: 'a file',
  match_played: 'playing a match',
  match_won: 'winning a match',
  challenge_completed: 'a completed challenge',
  chore_approved: 'an approved chore',
  streak_day: 'each day of a streak',
};

/** XP rules with no amount pay what their own event says. */
export const OWN_AMOUNT: Partial<Record<XpEvent, string>> = {
  challenge_completed: 'each challenge’s own reward',
  chore_approved: 'each chore’s own points',
};

export const ELO_LABELS: Record<'initial' | 'k_provisional' | 'k_established' | 'provisional_games', string> =
  {
    initial: 'Starting rating',
    k_provisional: 'K-factor for new players',
    k_established: 'K-factor for established players',
    provisional_games: 'Games before a player is established',
  };

/** The form field's id for a path the API names, or null when the form has no such field. */
export function fieldId(path: string): string | null {
  const parts = path.split('.').filter(Boolean);
  if (parts[0] === 'rules') parts.shift();
  const [section, a, b] = parts;
  if (section === 'xp' && a !== undefined && /^\d+$/.test(a) && b) return `rules-xp-${a}-${b}`;
  if (section === 'xp' && a !== undefined && /^\d+$/.test(a)) return `rules-xp-${a}-xp`;
  if (section === 'achievements' && a !== undefined && /^\d+$/.test(a))
    return `rules-achievements-${a}-${b === 'metric' || b === 'threshold' ? b : 'title'}`;
  if (section === 'elo' && a && a in ELO_LABELS) return `rules-elo-${a}`;
  return null;
}

const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
const fmt = (n: number) => n.toLocaleString('en');

/**
 * What is wrong with the field at `path` in `rules`, in family words; `fallback` (the
 * server's own message) when there is nothing better to say.
 */
export function familyMessage(path: string, rules: RuleSet, fallback: string): string {
  const parts = path.split('.').filter(Boolean);
  if (parts[0] === 'rules') parts.shift();
  const [section, a, b] = parts;
  const index = Number(a);
  if (section === 'xp') {
    const rule = rules.xp[index];
    if (!rule) return fallback;
    const what = XP_FOR[rule.on] ?? rule.id;
    const value = number((rule as Record<string, unknown>)[b ?? 'xp']);
    const streak = rule.on === 'streak_day';
    switch (b) {
      case 'xp':
        if (value === undefined)
          return `Say how much XP ${streak ? 'the streak bonus gives' : `${what} earns`}.`;
        if (value < 0)
          return streak ? 'The streak bonus can’t be negative.' : `XP for ${what} can’t be negative.`;
        if (!Number.isInteger(value)) return `XP for ${what} must be a whole number.`;
        return `XP for ${what} can be at most ${fmt(100_000)}.`;
      case 'daily_cap':
        if (value !== undefined && value < 0) return `The daily cap for ${what} can’t be negative.`;
        if (value !== undefined && !Number.isInteger(value))
          return `The daily cap for ${what} must be a whole number.`;
        return `The daily cap for ${what} can be at most ${fmt(1_000_000)}.`;
      case 'min_days':
        return 'The streak bonus starts on a day from 1 to 365.';
      case 'id':
        return /Two XP rules/.test(fallback)
          ? `There are two rules for ${what} with the same name.`
          : fallback;
      default:
        return fallback;
    }
  }
  if (section === 'achievements') {
    const rule = rules.achievements[index];
    if (!rule) return fallback;
    const name = rule.title ? `“${rule.title}”` : 'this achievement';
    switch (b) {
      case 'title':
        return rule.title
          ? `The name of ${name} can be at most 80 characters.`
          : 'Every achievement needs a name.';
      case 'threshold': {
        const value = number(rule.threshold);
        if (value === undefined) return `Say how many ${name} needs.`;
        if (value < 1) return `The target of ${name} must be at least 1.`;
        if (!Number.isInteger(value)) return `The target of ${name} must be a whole number.`;
        return `The target of ${name} can be at most ${fmt(10_000_000)}.`;
      }
      case 'metric':
        return `Choose what ${name} counts.`;
      case 'id':
        return /Two achievements/.test(fallback)
          ? `Two achievements have the same id (${rule.id}); rename one in the advanced view.`
          : `The id of ${name} may use only small letters, digits and dashes.`;
      default:
        return fallback;
    }
  }
  if (section === 'elo' && a && a in ELO_LABELS) {
    const label = ELO_LABELS[a as keyof typeof ELO_LABELS];
    const value = number((rules.elo as Record<string, unknown>)[a]);
    const range: Record<string, [number, number]> = {
      initial: [100, 4000],
      k_provisional: [1, 100],
      k_established: [1, 100],
      provisional_games: [0, 1000],
    };
    const [lo, hi] = range[a] as [number, number];
    if (value === undefined) return `${label} is needed.`;
    return `${label} must be a whole number from ${fmt(lo)} to ${fmt(hi)}.`;
  }
  return fallback;
}
