// The WebSocket contract, frame by frame, on a whole hub over a real socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatHubs,
  FAST_PRESENCE,
  type Frame,
  joinedSocket,
  openSocket,
  type Person,
  type Socket,
  startChatHubs,
} from '../../test/sockets.ts';

let t: ChatHubs;
let ann: Person;
let bob: Person;
let cat: Person;
let annWs: Socket;
let bobWs: Socket;
const wsUrl = (token: string) => `ws://127.0.0.1:${t.edges[0]?.port}/ws?token=${token}`;
const refusal = async (url: string) =>
  openSocket(url).then(
    () => 'opened',
    (err: Error) => err.message,
  );

beforeAll(async () => {
  t = await startChatHubs({
    chat: {
      presence: FAST_PRESENCE,
      rateLimit: { burst: 8, perSecond: 2 },
    },
  });
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test');
  cat = await t.member('cat@family.test');
  [annWs, bobWs] = await Promise.all([joinedSocket(ann), joinedSocket(bob)]);
});
afterAll(() => t?.stop());

describe('the upgrade', () => {
  it('is refused with 401 without a token, with a bad one, or with one already spent', async () => {
    expect(await refusal(`ws://127.0.0.1:${t.edges[0]?.port}/ws`)).toBe('upgrade refused: 401');
    expect(await refusal(wsUrl('x'.repeat(43)))).toBe('upgrade refused: 401');
    const token = await ann.wsToken();
    const first = await openSocket(wsUrl(token));
    expect(await refusal(wsUrl(token))).toBe('upgrade refused: 401');
    await first.close();
  });
});

describe('ping', () => {
  it('is answered with pong', async () => {
    annWs.send({ type: 'ping' });
    await annWs.waitFor((f) => f.type === 'pong');
  });
});

describe('message', () => {
  it('reaches every member following the channel, with the seed fields and seq', async () => {
    bobWs.send({ type: 'message', content: 'Dinner is ready', channel: 'family' });
    const got = await annWs.waitFor((f) => f.type === 'message' && f.content === 'Dinner is ready');
    expect(got).toMatchObject({ type: 'message', sender: bob.id, channel: 'family' });
    expect(typeof got.id).toBe('string');
    expect(new Date(got.timestamp as string).toISOString()).toBe(got.timestamp);
    expect(got.seq).toEqual(expect.any(Number));
    // The sender's other sockets (and this one) see it too: one timeline everywhere.
    await bobWs.waitFor((f) => f.type === 'message' && f.id === got.id);
  });

  it('acknowledges with the id and seq when the client sends a ref', async () => {
    bobWs.send({ type: 'message', content: 'with ref', channel: 'family', ref: 'r1' });
    const ack = await bobWs.waitFor((f) => f.type === 'ack' && f.ref === 'r1');
    const msg = await annWs.waitFor((f) => f.type === 'message' && f.content === 'with ref');
    expect(ack).toMatchObject({ id: msg.id, seq: msg.seq });
  });

  it('lands once when a client resends the same id from a new socket, and answers the first seq', async () => {
    // Cat, so the others' rate-limit budgets stay untouched for the specs below.
    const frame = { type: 'message', content: 'only once', channel: 'family', id: 'resend-1' };
    const first = await cat.connect();
    first.send({ ...frame, ref: 'first' });
    const firstAck = await first.waitFor((f) => f.type === 'ack' && f.ref === 'first');
    await first.close();
    const again = await cat.connect(); // as after a reconnect: another socket, same person
    again.send({ ...frame, ref: 'again' });
    expect(await again.waitFor((f) => f.type === 'ack' && f.ref === 'again')).toMatchObject({
      id: 'resend-1',
      seq: firstAck.seq,
    });
    again.send({ ...frame, content: 'something else', ref: 'other' });
    await again.waitFor((f) => f.type === 'error');
    await again.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(annWs.frames.filter((f) => f.type === 'message' && f.id === 'resend-1')).toHaveLength(1);
  });

  it('arrives on a socket for messages sent over REST too', async () => {
    await ann.json('/api/v1/messages', { body: { channel: 'family', content: 'from REST' } });
    await bobWs.waitFor((f) => f.type === 'message' && f.content === 'from REST');
  });

  it('is refused with an error frame to someone outside the channel, who stays connected', async () => {
    const { id } = await ann.json<{ id: string }>('/api/v1/channels', {
      body: { name: 'Parents', members: [bob.id] },
    });
    const catWs = await cat.connect();
    catWs.send({ type: 'message', content: 'hi', channel: id, ref: 'c1' });
    expect(await catWs.waitFor((f) => f.type === 'error' && f.ref === 'c1')).toMatchObject({
      code: 'chat.not_a_member',
    });
    catWs.send({ type: 'join', channel: id });
    expect(
      await catWs.waitFor(
        (f) => f.type === 'error' && f.code === 'chat.not_a_member' && f !== catWs.frames[0],
      ),
    ).toBeTruthy();
    catWs.send({ type: 'ping' });
    await catWs.waitFor((f) => f.type === 'pong');
    await catWs.close();
  });

  it('counts read marks too, since each one moved on is an event', async () => {
    const dee = await t.member('dee@family.test');
    const deeWs = await dee.connect();
    for (let seq = 1; seq <= 15; seq++) deeWs.send({ type: 'read', channel: 'family', seq, ref: `r${seq}` });
    expect(await deeWs.waitFor((f) => f.type === 'error' && f.code === 'rate_limited')).toMatchObject({
      message: expect.any(String),
    });
    await deeWs.close();
  });
});

describe('typing', () => {
  it('reaches the others in the channel, not the typist', async () => {
    annWs.send({ type: 'typing', channel: 'family', typing: true });
    expect(await bobWs.waitFor((f) => f.type === 'typing' && f.user_id === ann.id)).toEqual({
      type: 'typing',
      user_id: ann.id,
      channel: 'family',
      typing: true,
    });
    annWs.send({ type: 'ping' });
    await annWs.waitFor((f) => f.type === 'pong');
    expect(annWs.frames.some((f) => f.type === 'typing' && f.user_id === ann.id)).toBe(false);
  });
});

describe('join and leave', () => {
  it('delivers presence for each member online in the channel first', async () => {
    const again = await ann.connect();
    again.send({ type: 'join', channel: 'family' });
    await again.waitFor((f) => f.type === 'joined');
    const presence = again.frames.filter((f) => f.type === 'presence');
    expect(presence).toEqual(
      expect.arrayContaining([
        { type: 'presence', user_id: ann.id, online: true, channel: 'family' },
        { type: 'presence', user_id: bob.id, online: true, channel: 'family' },
      ]),
    );
    expect(again.frames.findIndex((f) => f.type === 'presence')).toBe(0);
    await again.close();
  });

  it('stops delivery after leave', async () => {
    const leaving = await ann.connect();
    leaving.send({ type: 'join', channel: 'family' });
    await leaving.waitFor((f) => f.type === 'joined');
    leaving.send({ type: 'leave', channel: 'family' });
    leaving.send({ type: 'ping' });
    await leaving.waitFor((f) => f.type === 'pong');
    bobWs.send({ type: 'message', content: 'after leave', channel: 'family' });
    await annWs.waitFor((f) => f.content === 'after leave');
    expect(leaving.frames.some((f) => f.content === 'after leave')).toBe(false);
    await leaving.close();
  });
});

describe('bad frames', () => {
  const errorFor = async (raw: string): Promise<Frame> => {
    const before = annWs.frames.length;
    annWs.send(raw);
    return annWs.waitFor((f) => f.type === 'error' && annWs.frames.indexOf(f) >= before);
  };

  it('answers malformed JSON, unknown types and missing fields with an error frame and keeps the connection', async () => {
    expect(await errorFor('{not json')).toMatchObject({ code: 'invalid_frame', message: expect.any(String) });
    expect(await errorFor('[1,2]')).toMatchObject({ code: 'invalid_frame' });
    expect(await errorFor('{"type":"dance"}')).toMatchObject({ code: 'unknown_frame_type' });
    expect(await errorFor('{"content":"no type"}')).toMatchObject({ code: 'unknown_frame_type' });
    expect(await errorFor('{"type":"message","channel":"family"}')).toMatchObject({
      code: 'invalid_request',
    });
    expect(await errorFor('{"type":"typing","channel":"family","typing":"yes"}')).toMatchObject({
      code: 'invalid_request',
    });
    expect(
      await errorFor(JSON.stringify({ type: 'message', channel: 'family', content: 'x'.repeat(4001) })),
    ).toMatchObject({
      code: 'invalid_request',
    });
    expect(await errorFor('{"type":"join","channel":"no.such"}')).toMatchObject({ code: 'invalid_request' });
    expect(await errorFor('{"type":"join","channel":"nosuch"}')).toMatchObject({
      code: 'chat.channel_not_found',
    });
    annWs.send({ type: 'ping' });
    await annWs.waitFor((f) => f.type === 'pong' && annWs.frames.indexOf(f) > 5);
    expect(annWs.ws.readyState).toBe(annWs.ws.OPEN);
  });
});

describe('the message rate limit', () => {
  it('answers rate_limited once a person sends too fast, and keeps the connection', async () => {
    const catWs = await cat.connect();
    for (let i = 0; i < 15; i++) catWs.send({ type: 'message', content: `spam ${i}`, channel: 'family' });
    expect(await catWs.waitFor((f) => f.type === 'error' && f.code === 'rate_limited')).toMatchObject({
      message: expect.any(String),
    });
    catWs.send({ type: 'ping' });
    await catWs.waitFor((f) => f.type === 'pong');
    await catWs.close();
  });
});

describe('edits, deletions, reactions and read marks', () => {
  it('lets an admin delete anyone’s message over the socket', async () => {
    bobWs.send({ type: 'message', content: 'rude', channel: 'family', id: 'msg-mod-1', ref: 'm0' });
    await bobWs.waitFor((f) => f.type === 'ack' && f.ref === 'm0');
    annWs.send({ type: 'delete', channel: 'family', id: 'msg-mod-1' });
    expect(await bobWs.waitFor((f) => f.type === 'message_deleted' && f.id === 'msg-mod-1')).toMatchObject({
      deleted_by: ann.id,
    });
  });

  it('reach the channel as frames with their seq', async () => {
    bobWs.send({ type: 'message', content: 'typo', channel: 'family', id: 'msg-edit-1', ref: 'e0' });
    await bobWs.waitFor((f) => f.type === 'ack' && f.ref === 'e0');
    bobWs.send({ type: 'edit', channel: 'family', id: 'msg-edit-1', content: 'fixed' });
    expect(await annWs.waitFor((f) => f.type === 'message_edited')).toMatchObject({
      id: 'msg-edit-1',
      content: 'fixed',
    });
    annWs.send({ type: 'react', channel: 'family', id: 'msg-edit-1', emoji: '👍' });
    expect(await bobWs.waitFor((f) => f.type === 'reaction')).toMatchObject({
      user_id: ann.id,
      emoji: '👍',
      on: true,
    });
    const refused = await cat.request('/api/v1/channels/family/messages/msg-edit-1', { method: 'DELETE' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'chat.not_author' });
    bobWs.send({ type: 'delete', channel: 'family', id: 'msg-edit-1' });
    const deleted = await annWs.waitFor((f) => f.type === 'message_deleted' && f.id === 'msg-edit-1');
    expect(deleted).toMatchObject({ id: 'msg-edit-1', deleted_by: bob.id });
    expect(deleted).not.toHaveProperty('content');
    annWs.send({ type: 'read', channel: 'family', seq: deleted.seq });
    expect(await bobWs.waitFor((f) => f.type === 'read' && f.user_id === ann.id)).toMatchObject({
      up_to_seq: deleted.seq,
    });
  });
});
