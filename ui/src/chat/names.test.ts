import { describe, expect, it } from 'vitest';
import { membersLine } from './names.ts';

describe('a channel header', () => {
  it('says member for one and members for more', () => {
    expect(membersLine(1, 1)).toBe('1 member · 1 online');
    expect(membersLine(4, 2)).toBe('4 members · 2 online');
    expect(membersLine(0, 0)).toBe('0 members · 0 online');
  });
});
