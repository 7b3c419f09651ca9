import { describe, expect, it } from 'vitest';
import { parsePlayFrame } from './frames.ts';

const raw = (v: unknown) => JSON.stringify(v);

describe('play frames', () => {
  it('reads the four pushes the edge sends', () => {
    expect(parsePlayFrame(raw({ type: 'play', event: 'level_up', user_id: 'kit', level: 3 }))).toEqual({
      type: 'play',
      event: 'level_up',
      user_id: 'kit',
      level: 3,
    });
    expect(
      parsePlayFrame(
        raw({
          type: 'play',
          event: 'achievement',
          user_id: 'kit',
          achievement: 'first-chore',
          title: 'Helping hand',
        }),
      ),
    ).toEqual({
      type: 'play',
      event: 'achievement',
      user_id: 'kit',
      achievement: 'first-chore',
      title: 'Helping hand',
    });
    expect(parsePlayFrame(raw({ type: 'play', event: 'boards_changed' }))).toEqual({
      type: 'play',
      event: 'boards_changed',
    });
    expect(parsePlayFrame(raw({ type: 'play', event: 'changed' }))?.event).toBe('changed');
    expect(parsePlayFrame(raw({ type: 'play', event: 'challenges_changed' }))?.event).toBe(
      'challenges_changed',
    );
  });

  it('ignores chat frames, unknown events, malformed ones and junk', () => {
    expect(parsePlayFrame(raw({ type: 'message', id: 'm1' }))).toBeNull();
    expect(parsePlayFrame(raw({ type: 'play', event: 'fireworks' }))).toBeNull();
    expect(parsePlayFrame(raw({ type: 'play', event: 'level_up', user_id: 'kit' }))).toBeNull();
    expect(parsePlayFrame('not json')).toBeNull();
    expect(parsePlayFrame('null')).toBeNull();
  });
});
