import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type RuleSet } from '../../../contracts/play.schema.ts';
import { familyMessage, fieldId } from './rules-words.ts';

const withXp = (id: string, patch: object): RuleSet => ({
  ...DEFAULT_RULES,
  xp: DEFAULT_RULES.xp.map((r) => (r.id === id ? { ...r, ...patch } : r)),
});

describe('the rules in family words', () => {
  it('places a path the API names on its form field', () => {
    expect(fieldId('rules.xp.0.xp')).toBe('rules-xp-0-xp');
    expect(fieldId('rules.xp.3.daily_cap')).toBe('rules-xp-3-daily_cap');
    expect(fieldId('rules.achievements.2.threshold')).toBe('rules-achievements-2-threshold');
    expect(fieldId('rules.achievements.2.id')).toBe('rules-achievements-2-title');
    expect(fieldId('rules.elo.k_provisional')).toBe('rules-elo-k_provisional');
    expect(fieldId('rules')).toBeNull();
    expect(fieldId('rules.elo.version')).toBeNull();
  });

  it('says what is wrong the way a parent would', () => {
    const fallback = "Field 'rules.xp.0.xp' must be >= 0.";
    expect(familyMessage('rules.xp.0.xp', withXp('message', { xp: -1 }), fallback)).toBe(
      'XP for a message can’t be negative.',
    );
    expect(familyMessage('rules.xp.0.daily_cap', withXp('message', { daily_cap: -5 }), fallback)).toBe(
      'The daily cap for a message can’t be negative.',
    );
    expect(familyMessage('rules.xp.7.xp', withXp('streak', { xp: -2 }), fallback)).toBe(
      'The streak bonus can’t be negative.',
    );
    const unnamed = { ...DEFAULT_RULES, achievements: [{ ...DEFAULT_RULES.achievements[0], title: '' }] };
    expect(familyMessage('rules.achievements.0.title', unnamed as RuleSet, fallback)).toBe(
      'Every achievement needs a name.',
    );
    const zero = { ...DEFAULT_RULES, elo: { ...DEFAULT_RULES.elo, k_provisional: 0 } };
    expect(familyMessage('rules.elo.k_provisional', zero, fallback)).toBe(
      'K-factor for new players must be a whole number from 1 to 100.',
    );
    // Nothing better to say: the server's own words.
    expect(familyMessage('rules.bonus', DEFAULT_RULES, fallback)).toBe(fallback);
  });
});
