import { describe, expect, it } from 'vitest';
import { parsePreferencesFrame } from './frames.ts';

describe('a preferences frame', () => {
  it('gives the fields it carries', () => {
    expect(
      parsePreferencesFrame(
        JSON.stringify({ type: 'preferences', preferences: { theme: 'dark', muted_notifications: ['dm'] } }),
      ),
    ).toEqual({ theme: 'dark', muted_notifications: ['dm'] });
  });

  it('drops fields of the wrong kind, and is not another frame', () => {
    expect(
      parsePreferencesFrame(
        JSON.stringify({
          type: 'preferences',
          preferences: { theme: 'neon', muted_notifications: ['gossip'] },
        }),
      ),
    ).toEqual({});
    expect(parsePreferencesFrame(JSON.stringify({ type: 'home', event: 'read' }))).toBeNull();
    expect(parsePreferencesFrame('not json')).toBeNull();
  });
});
