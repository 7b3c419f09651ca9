import { describe, expect, it } from 'vitest';
import { heldAt } from './queries.ts';

describe('a webhook’s span', () => {
  const registered_at = new Date('2026-12-07T10:00:00Z');
  const removed_at = new Date('2026-12-07T12:00:00Z');
  const at = (iso: string) => new Date(`2026-12-07T${iso}Z`);
  it('holds from its registration, before its removal', () => {
    const h = { id: 'w', subjects: [], registered_at, removed_at };
    expect(heldAt(h, at('09:59:59'))).toBe(false);
    expect(heldAt(h, at('10:00:00'))).toBe(true);
    expect(heldAt(h, at('11:59:59'))).toBe(true);
    expect(heldAt(h, at('12:00:00'))).toBe(false);
  });
  it('holds on while not removed', () =>
    expect(heldAt({ id: 'w', subjects: [], registered_at, removed_at: null }, at('23:00:00'))).toBe(true));
});
