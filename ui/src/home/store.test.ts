// The centre's store: reads that come while one is under way make one more, which waits for
// the furthest position any of them asked for (a mark-all's seq is not dropped).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotificationsPage } from '../../../contracts/home.api.ts';

// The centre's reads, held until the test answers them.
const asked: { after: number | undefined; answer: (page: NotificationsPage) => void }[] = [];
vi.mock('./api.ts', () => ({
  getNotifications: (after?: number) =>
    new Promise<NotificationsPage>((answer) => {
      asked.push({ after, answer });
    }),
}));

const { home, reload } = await import('./store.ts');
const page = (unread: number): NotificationsPage => ({ notifications: [], unread, muted: [] });
/** Until the store asked for its n-th read. */
const nth = async (n: number) => {
  for (let i = 0; i < 100 && asked.length < n; i++) await Promise.resolve();
  const read = asked[n - 1];
  if (!read) throw new Error(`the store asked for ${asked.length} reads, not ${n}`);
  return read;
};

beforeEach(() => {
  asked.length = 0;
  home.reset();
});

describe('the notification store', () => {
  it('keeps the furthest position asked for while a read was under way, and reads after it', async () => {
    const first = reload();
    // The edge pushes "read" before it answers the mark-all: the push's reload comes first.
    const pushed = reload();
    const markAll = reload(42);
    const later = reload(7);
    (await nth(1)).answer(page(3));
    await first;
    const second = await nth(2);
    expect(second.after).toBe(42);
    second.answer(page(0));
    await Promise.all([pushed, markAll, later]);
    expect(asked).toHaveLength(2);
    expect(home.get().page?.unread).toBe(0);
  });

  it('reads once more, not once per call, and without a position when none was asked', async () => {
    const first = reload(5);
    const again = [reload(), reload()];
    (await nth(1)).answer(page(1));
    await first;
    const second = await nth(2);
    expect(second.after).toBeUndefined();
    second.answer(page(2));
    await Promise.all(again);
    expect(asked).toHaveLength(2);
  });
});
