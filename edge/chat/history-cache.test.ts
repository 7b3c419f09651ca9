// The rules that keep a page from memory right: it is answered only while nothing of its
// channel has been seen past the position it was read at, never below an `after`, never from
// before the follower was in place, and nothing is answered or kept while NATS is away.
import { describe, expect, it } from 'vitest';
import { createHistoryCache } from './history-cache.ts';

const ROOT = 'hearth.chat.channel.';
const subjectOf = (channel: string) => `${ROOT}${channel}.message.m1`;

function setup(from = 10) {
  const cache = createHistoryCache({
    messageChannel: (s) => (s.startsWith(ROOT) ? (s.slice(ROOT.length).split('.')[0] ?? null) : null),
    touchesEveryChannel: (s) => s.startsWith('hearth.chat.erasure.'),
  });
  cache.following(from);
  let position = from;
  let loads = 0;
  const page = (channelId = 'family', after?: number, key = '50||') =>
    cache.page({
      channelId,
      key,
      after,
      position: async () => position,
      load: async () => `page ${++loads}`,
    });
  return { cache, page, at: (p: number) => (position = p), loads: () => loads };
}

describe('pages of history from memory', () => {
  it('answers a page again from memory until an event of its channel is seen past it', async () => {
    const t = setup();
    expect(await t.page()).toBe('page 1');
    expect(await t.page()).toBe('page 1');
    t.cache.seen(subjectOf('other'), 11);
    expect(await t.page()).toBe('page 1');
    t.cache.seen(subjectOf('family'), 12);
    // The read model has not applied it yet: read again, and not kept.
    expect(await t.page()).toBe('page 2');
    expect(await t.page()).toBe('page 3');
    t.at(12);
    expect(await t.page()).toBe('page 4');
    expect(await t.page()).toBe('page 4');
  });

  it('reads every channel again once a member is erased (their lines read blank everywhere)', async () => {
    const t = setup();
    expect(await t.page('family')).toBe('page 1');
    expect(await t.page('kids')).toBe('page 2');
    t.cache.seen('hearth.chat.erasure.ann', 11);
    t.at(11);
    expect(await t.page('family')).toBe('page 3');
    expect(await t.page('kids')).toBe('page 4');
    expect(await t.page('kids')).toBe('page 4');
  });

  it('keeps a page read past an event the follower has not seen yet', async () => {
    const t = setup();
    t.at(15);
    expect(await t.page()).toBe('page 1');
    t.cache.seen(subjectOf('family'), 14);
    expect(await t.page()).toBe('page 1');
  });

  it('never answers a read-your-writes request from a page older than its `after`', async () => {
    const t = setup();
    expect(await t.page('family')).toBe('page 1');
    expect(await t.page('family', 10)).toBe('page 1');
    t.at(11);
    expect(await t.page('family', 11)).toBe('page 2');
    expect(await t.page('family')).toBe('page 2');
  });

  it('keeps nothing read below the position the follower started from', async () => {
    const t = setup(10);
    t.at(9);
    expect(await t.page()).toBe('page 1');
    expect(await t.page()).toBe('page 2');
  });

  it('neither answers nor keeps while deaf, and starts empty when hearing again', async () => {
    const t = setup();
    expect(await t.page()).toBe('page 1');
    t.cache.deaf();
    expect(await t.page()).toBe('page 2');
    expect(await t.page()).toBe('page 3');
    t.cache.hearing();
    expect(await t.page()).toBe('page 4');
    expect(await t.page()).toBe('page 4');
  });

  it('does not keep a page whose read spanned a deaf spell', async () => {
    const t = setup();
    const cache = t.cache;
    const read = cache.page({
      channelId: 'family',
      key: 'k',
      after: undefined,
      position: async () => 10,
      load: async () => {
        cache.deaf();
        cache.hearing();
        return 'spanned';
      },
    });
    expect(await read).toBe('spanned');
    expect(cache.size()).toBe(0);
  });

  it('reads again what a rebuild or a resolved dead letter changed, and nothing once stopped', async () => {
    const t = setup();
    expect(await t.page()).toBe('page 1');
    t.cache.forget();
    expect(await t.page()).toBe('page 2');
    expect(await t.page()).toBe('page 2');
    // The log began again (a server back without its store): positions no longer compare.
    t.cache.stop();
    t.cache.hearing();
    expect(await t.page()).toBe('page 3');
    expect(await t.page()).toBe('page 4');
  });

  it('keeps each page of a channel apart', async () => {
    const t = setup();
    expect(await t.page('family', undefined, '50||')).toBe('page 1');
    expect(await t.page('family', undefined, '10||')).toBe('page 2');
    expect(await t.page('family', undefined, '50||')).toBe('page 1');
  });
});
