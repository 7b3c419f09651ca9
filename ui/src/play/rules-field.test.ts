import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../contracts/play.schema.ts';
import { describeField, describeJsonError } from './rules-field.ts';

describe('describeField', () => {
  it('names the rule an error is in, by its number and id', () => {
    const rules = { ...DEFAULT_RULES, xp: [...DEFAULT_RULES.xp, { id: 'message', on: 'message_posted' }] };
    expect(describeField('rules.xp.8.id', rules)).toBe('XP rule 9 (“message”) › id');
    expect(describeField('rules.achievements.0.threshold', rules)).toBe(
      'Achievement 1 (“first-message”) › threshold',
    );
    expect(describeField('rules.elo.k_provisional', rules)).toBe('Elo settings › k_provisional');
  });

  it('copes with paths it cannot place', () => {
    expect(describeField('rules', {})).toBe('the rule set');
    expect(describeField('rules.xp.3.id', {})).toBe('XP rule 4 › id');
    expect(describeField('rules.bonus', {})).toBe('bonus');
  });
});

describe('describeJsonError', () => {
  it('says on which line the JSON breaks', () => {
    const text = '{\n  "xp": [,]\n}';
    let err: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      err = e;
    }
    expect(describeJsonError(text, err)).toMatch(/^This is not valid JSON/);
  });
});
