// The family reactor on real NATS and Postgres: whoever registers joins the family channel,
// and the family is told in a line from Hearth itself, once, however often the fact arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishIdentity, registered } from '../../test/events.ts';
import { channelsOf } from '../chat-channels/queries.ts';
import { type ChatHarness, startChatHarness } from '../chat-messages/harness.fixture.ts';
import { history } from '../chat-messages/queries.ts';

let h: ChatHarness;
beforeAll(async () => {
  h = await startChatHarness();
});
afterAll(() => h.stop());

const settledAll = async () => {
  const last = (await h.log.jsm.streams.info(h.log.names.stream('chat'))).state.last_seq;
  await h.settled(last);
};

describe('when someone registers', () => {
  it('tells the family, in a line of its own, with the role they joined as', async () => {
    await publishIdentity(h.log, registered('mum', 'admin'));
    const seq = await publishIdentity(h.log, registered('kid', 'child'));
    expect(await h.runner.waitFor('chat_family', seq, 5000)).toBe(true);
    await settledAll();
    const lines = await history(h.db, {
      channelId: 'family',
      before: new Date(Date.now() + 60_000),
      limit: 50,
    });
    // The line names its newcomer by id only: no name on the stream.
    expect(lines.map((m) => [m.sender_id, m.content, m.id, m.mentions])).toEqual([
      ['', 'joined as admin', 'joined-mum', ['mum']],
      ['', 'joined as child', 'joined-kid', ['kid']],
    ]);
  });

  it('tells it once when the registration arrives again', async () => {
    const seq = await publishIdentity(h.log, registered('kid', 'child'));
    expect(await h.runner.waitFor('chat_family', seq, 5000)).toBe(true);
    await settledAll();
    const lines = await history(h.db, {
      channelId: 'family',
      before: new Date(Date.now() + 60_000),
      limit: 50,
    });
    expect(lines.filter((m) => m.id === 'joined-kid')).toHaveLength(1);
  });

  it('does not count the line as unread: nobody said it', async () => {
    const family = (await channelsOf(h.db, 'mum')).find((c) => c.id === 'family');
    expect(family).toMatchObject({ unread: 0 });
    expect(family?.last_seq).toBeGreaterThan(0);
  });
});
