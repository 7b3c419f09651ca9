// Starting a rebuild over HTTP: the answer describes the rebuild it started (never the one
// before), and what refuses it before it starts is the request's own error.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHubs, type Person, startChatHubs } from '../../test/sockets.ts';

const PATH = '/api/v1/admin/read-models/chat_messages/rebuild';
type Status = { status: string; acceptDifferences: boolean; startedAt: string };

let hubs: ChatHubs;
let admin: Person;

beforeAll(async () => {
  hubs = await startChatHubs();
  admin = await hubs.member('admin@family.test');
}, 120_000);
afterAll(async () => {
  await hubs?.stop();
});

const ended = async () =>
  hubs.eventually(async () => {
    const s = await admin.json<Status>(PATH);
    return ['running', 'verifying', 'switching'].includes(s.status) ? null : s;
  });

describe('POST …/rebuild', () => {
  it('refuses a null acceptDifferences', async () => {
    const res = await admin.request(PATH, { method: 'POST', body: { acceptDifferences: null } });
    expect(res.status).toBe(400);
  });

  it('answers with the rebuild it started, not the previous one', async () => {
    const first = await admin.request(PATH, { method: 'POST', body: { acceptDifferences: true } });
    expect(first.status).toBe(202);
    expect(await ended()).toMatchObject({ status: 'done', acceptDifferences: true });
    const before = Date.now();
    const second = await admin.request(PATH, { method: 'POST', body: {} });
    expect(second.status).toBe(202);
    const body = (await second.json()) as Status;
    expect(body.acceptDifferences).toBe(false);
    // The database's clock and this one may differ by a little.
    expect(new Date(body.startedAt).getTime()).toBeGreaterThan(before - 1000);
    expect(await ended()).toMatchObject({ status: 'done', acceptDifferences: false });
  });

  it('answers 409 when another process holds the rebuild', async () => {
    const other = new pg.Client({ connectionString: hubs.databaseUrl });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('hearth.rebuild'), hashtext('chat_messages'))`);
      const res = await admin.request(PATH, { method: 'POST', body: {} });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'conflict' });
    } finally {
      await other.end();
    }
  });
});
