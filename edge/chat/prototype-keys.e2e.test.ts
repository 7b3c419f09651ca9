// Reactions are keyed by what people type: names that Object.prototype already has are
// reactions like any other, over REST and over the socket, in the log and in the read model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../contracts/chat.api.ts';
import { type ChatHubs, joinedSocket, type Person, type Socket, startChatHubs } from '../../test/sockets.ts';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

let t: ChatHubs;
let ann: Person;
let bob: Person;
let annWs: Socket;
let bobWs: Socket;

beforeAll(async () => {
  t = await startChatHubs();
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test');
  [annWs, bobWs] = await Promise.all([joinedSocket(ann), joinedSocket(bob)]);
});
afterAll(() => t?.stop());

const ownValue = (record: object | undefined, key: string) =>
  record && Object.hasOwn(record, key) ? Object.getOwnPropertyDescriptor(record, key)?.value : undefined;

describe.each(NAMES)('a reaction named %s', (emoji) => {
  it('is added and removed over REST, and the history shows exactly that', async () => {
    const m = await bob.json<ChatMessage>('/api/v1/messages', {
      body: { channel: 'family', content: emoji },
    });
    const path = `/api/v1/channels/family/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`;
    const on = await ann.json<{ seq: number }>(path, { method: 'PUT' });
    let history = await ann.json<ChatMessage[]>(`/api/v1/messages?channel=family&after=${on.seq}`);
    expect(ownValue(history.find((x) => x.id === m.id)?.reactions, emoji)).toEqual([ann.id]);
    const off = await ann.json<{ seq: number }>(path, { method: 'DELETE' });
    history = await ann.json<ChatMessage[]>(`/api/v1/messages?channel=family&after=${off.seq}`);
    expect(history.find((x) => x.id === m.id)?.reactions).toEqual({});
  });

  it('is acknowledged over the socket and reaches the channel', async () => {
    const id = `msg-${encodeURIComponent(emoji)}`;
    bobWs.send({ type: 'message', content: emoji, channel: 'family', id, ref: `m-${emoji}` });
    await bobWs.waitFor((f) => f.type === 'ack' && f.ref === `m-${emoji}`);
    annWs.send({ type: 'react', channel: 'family', id, emoji, ref: `r-${emoji}` });
    expect(await annWs.waitFor((f) => f.ref === `r-${emoji}`)).toMatchObject({ type: 'ack' });
    expect(await bobWs.waitFor((f) => f.type === 'reaction' && f.id === id)).toMatchObject({
      user_id: ann.id,
      emoji,
      on: true,
    });
  });
});
