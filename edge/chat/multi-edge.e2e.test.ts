// Two edge processes on one namespace and one database, each with its own HTTP port: presence,
// typing and messages cross between them; tickets are single use across both; a removal, a
// role change and a ban reach sockets on every edge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatHubs,
  type Edge,
  FAST_PRESENCE,
  type Frame,
  openSocket,
  type Person,
  type Socket,
  startChatHubs,
} from '../../test/sockets.ts';

const GRACE_MS = 2000;
let t: ChatHubs;
let one: Edge;
let two: Edge;
let ann: Person; // admin (first account), on edge one
let bob: Person; // on edge two
let cat: Person;
let annWs: Socket;

beforeAll(async () => {
  t = await startChatHubs({
    count: 2,
    chat: { presence: { ...FAST_PRESENCE, graceMs: GRACE_MS } },
  });
  [one, two] = t.edges as [Edge, Edge];
  ann = await t.member('ann@family.test', one);
  bob = await t.member('bob@family.test', two);
  cat = await t.member('cat@family.test', two);
  annWs = await ann.connect(one);
  annWs.send({ type: 'join', channel: 'family' });
  await annWs.waitFor((f) => f.type === 'joined');
});
afterAll(() => t?.stop());

const presenceOf = (ws: Socket, userId: string) =>
  ws.frames.filter((f) => f.type === 'presence' && f.user_id === userId);
const join = async (ws: Socket, channel = 'family') => {
  ws.send({ type: 'join', channel });
  await ws.waitFor((f) => f.type === 'joined' && f.channel === channel);
};

describe('two edge processes', () => {
  it('share presence, typing and messages both ways', async () => {
    const bobWs = await bob.connect(two);
    await join(bobWs);
    await annWs.waitFor((f) => f.type === 'presence' && f.user_id === bob.id && f.online === true);
    expect(bobWs.frames).toContainEqual({
      type: 'presence',
      user_id: ann.id,
      online: true,
      channel: 'family',
    });
    const listed = await ann.json<{ user_id: string; online: boolean }[]>('/api/v1/presence?channel=family');
    expect(listed.find((p) => p.user_id === bob.id)?.online).toBe(true);

    bobWs.send({ type: 'typing', channel: 'family', typing: true });
    await annWs.waitFor((f) => f.type === 'typing' && f.user_id === bob.id && f.typing === true);
    bobWs.send({ type: 'message', channel: 'family', content: 'from edge two' });
    await annWs.waitFor((f) => f.type === 'message' && f.content === 'from edge two');
    annWs.send({ type: 'message', channel: 'family', content: 'from edge one' });
    await bobWs.waitFor((f) => f.type === 'message' && f.content === 'from edge one');
    // Closing while typing tells the others the typing stopped.
    await bobWs.close();
    await annWs.waitFor((f) => f.type === 'typing' && f.user_id === bob.id && f.typing === false);
    await annWs.waitFor((f) => f.type === 'presence' && f.user_id === bob.id && f.online === false, 10_000);
  });

  it('do not flap presence when a tab reloads onto the other edge', async () => {
    const first = await cat.connect(two);
    await annWs.waitFor((f) => f.type === 'presence' && f.user_id === cat.id && f.online === true);
    const before = presenceOf(annWs, cat.id).length;
    await first.close();
    const reloaded = await cat.connect(one); // the reload lands on the other edge
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    expect(presenceOf(annWs, cat.id).slice(before)).toEqual([]);
    await reloaded.close();
    await annWs.waitFor((f) => f.type === 'presence' && f.user_id === cat.id && f.online === false, 10_000);
    expect(
      presenceOf(annWs, cat.id)
        .slice(before)
        .map((f) => f.online),
    ).toEqual([false]);
  });

  it('spend a ticket once, whichever edges race for it', async () => {
    const token = await bob.wsToken();
    const results = await Promise.allSettled(
      [one, two].map((edge) => openSocket(`ws://127.0.0.1:${edge.port}/ws?token=${token}`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(String(refused?.reason)).toContain('401');
    for (const r of results) if (r.status === 'fulfilled') await r.value.close();
  });

  it('stop delivering a channel to someone removed from it, on any edge', async () => {
    const { id } = await ann.json<{ id: string; seq: number }>('/api/v1/channels', {
      body: { name: 'Plans', members: [bob.id] },
    });
    const bobWs = await bob.connect(two);
    await join(bobWs, id);
    annWs.send({ type: 'message', channel: id, content: 'before removal' });
    await bobWs.waitFor((f) => f.content === 'before removal');
    await ann.json(`/api/v1/channels/${id}/members/${bob.id}`, { method: 'DELETE' });
    expect(
      await bobWs.waitFor((f) => f.type === 'member' && f.channel === id && f.user_id === bob.id),
    ).toMatchObject({ joined: false });
    annWs.send({ type: 'message', channel: id, content: 'after removal', ref: 'after-removal' });
    await annWs.waitFor((f) => f.type === 'ack' && f.ref === 'after-removal');
    bobWs.send({ type: 'message', channel: id, content: 'can I still?', ref: 'still' });
    expect(await bobWs.waitFor((f) => f.type === 'error' && f.ref === 'still')).toMatchObject({
      code: 'chat.not_a_member',
    });
    expect(bobWs.frames.some((f) => f.content === 'after removal')).toBe(false);
    await bobWs.close();
  });

  it('apply a role change to open sockets at once', async () => {
    const posted = await ann.json<{ id: string }>('/api/v1/messages', {
      body: { channel: 'family', content: 'keep me' },
    });
    const catWs = await cat.connect(two);
    catWs.send({ type: 'delete', channel: 'family', id: posted.id, ref: 'del-1' });
    expect(await catWs.waitFor((f: Frame) => f.type === 'error' && f.ref === 'del-1')).toMatchObject({
      code: 'chat.not_author',
    });
    await ann.json(`/api/v1/admin/users/${cat.id}/role`, { body: { role: 'admin' } });
    expect(await catWs.waitFor((f) => f.type === 'role')).toEqual({ type: 'role', role: 'admin' });
    catWs.send({ type: 'delete', channel: 'family', id: posted.id, ref: 'del-2' });
    expect(await catWs.waitFor((f) => f.type === 'ack' && f.ref === 'del-2')).toMatchObject({
      id: posted.id,
    });
    await catWs.close();
  });

  it('close a banned person’s sockets on every edge with 4401, and refuse their unspent tickets', async () => {
    const sockets = [await bob.connect(one), await bob.connect(two)];
    const spare = await bob.wsToken();
    const res = await ann.request(`/api/v1/admin/users/${bob.id}/ban`, { body: { reason: 'testing' } });
    expect(res.status).toBeLessThan(300);
    for (const ws of sockets) expect((await ws.closed).code).toBe(4401);
    const late = await openSocket(`ws://127.0.0.1:${two.port}/ws?token=${spare}`).then(
      () => 'opened',
      (err: Error) => err.message,
    );
    expect(late).toBe('upgrade refused: 401');
  });
});
