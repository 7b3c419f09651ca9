// Webhooks end to end, to a receiver on loopback: an admin registers one (its secret, made by
// the hub, shown once and never logged in the clear); each event on its subjects is POSTed as
// the feed releases it, signed; a failure is retried with backoff, and once the attempts are
// spent the delivery is dead, listed, and sent again on the admin's word. A receiver that never
// answers holds up no other.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AdminWebhook,
  PublicEvent,
  WebhookDelivery,
  WebhookMade,
} from '../../contracts/integrators.api.ts';
import { eventually, identityEvents, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { startReceiver } from '../../test/webhook-receiver.ts';

let t: TestHub;
let admin: TestClient;
let channel: string;
let chat: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
/** Per path, how many attempts fail before one succeeds. */
const flaky = new Map<string, number>([['/flaky', 2]]);

const json = async <T>(res: Response) => (await res.json()) as T;

const register = async (body: Record<string, unknown>) => {
  const res = await admin.request('/api/v1/admin/webhooks', {
    body: { name: 'Receiver', subjects: [chat], ...body },
  });
  expect(res.status).toBe(201);
  const made = await json<WebhookMade>(res);
  // Delivered from the moment it is listed.
  await eventually(
    async () =>
      (await json<AdminWebhook[]>(await admin.request('/api/v1/admin/webhooks'))).some(
        (w) => w.id === made.id,
      ) || undefined,
  );
  return made;
};

const post = async (content: string) => {
  const res = await admin.request('/api/v1/messages', { body: { channel, content } });
  expect(res.status).toBe(201);
  return json<{ seq: number }>(res);
};

const deliveries = async (query = '') =>
  json<WebhookDelivery[]>(await admin.request(`/api/v1/admin/webhooks/deliveries${query}`));

beforeAll(async () => {
  receiver = await startReceiver((r) => {
    if (r.path === '/hang') return 'hang';
    if (r.path === '/dead') return 500;
    const left = flaky.get(r.path) ?? 0;
    if (left > 0) {
      flaky.set(r.path, left - 1);
      return 503;
    }
    return 204;
  });
  t = await startTestHub({
    integrators: {
      webhooks: { timeoutMs: 500, attempts: 3, backoffMs: 100, backoffMaxMs: 300, pollMs: 50 },
    },
    env: { HEARTH_COMMAND_RATE_LIMIT: '10000' },
  });
  admin = t.client();
  expect((await admin.signUp({ email: 'mum@family.test', name: 'Mum' })).status).toBe(200);
  chat = t.hub.deps.log.names.domainFilter('chat');
  channel = await eventually(
    async () => {
      const res = await admin.request('/api/v1/channels', { body: { name: 'Hooks', members: [] } });
      return res.status === 201 ? (await json<{ id: string }>(res)).id : undefined;
    },
    { timeoutMs: 30_000, what: 'a channel' },
  );
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await receiver?.stop();
});

describe('a webhook', () => {
  let made: WebhookMade;
  it('is registered with a secret the hub makes, shown once and sealed on the log', async () => {
    made = await register({ url: receiver.url('/ok') });
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const event = (await identityEvents(t.hub)).find(
      (e) => e.case === 'webhookRegistered' && e.value.webhookId === made.id,
    );
    expect(event?.case).toBe('webhookRegistered');
    if (event?.case !== 'webhookRegistered') return;
    expect(Buffer.from(event.value.secretSealed).toString('latin1')).not.toContain(made.secret);
    expect(event.value.secretSealed.length).toBeGreaterThan(28);
    // The URL is sealed too: integrators' NATS accounts read the log.
    expect(event.value.targetUrl).toBe('');
    expect(Buffer.from(event.value.targetSealed).toString('latin1')).not.toContain('/ok');
    expect(event.value.targetSealed.length).toBeGreaterThan(28);
    const listed = await json<AdminWebhook[]>(await admin.request('/api/v1/admin/webhooks'));
    expect(JSON.stringify(listed)).not.toContain(made.secret);
    expect(listed.find((w) => w.id === made.id)?.url).toBe(receiver.url('/ok'));
  });

  it('receives each event on its subjects, signed: HMAC-SHA256 of "<t>.<body>"', async () => {
    const { seq } = await post('hello hook');
    const got = await eventually(
      async () =>
        receiver
          .at('/ok')
          .find((r) => r.headers['hearth-event-id'] === `${t.hub.deps.log.names.stream('chat')}/${seq}`),
      {
        timeoutMs: 10_000,
        what: 'the delivery',
      },
    );
    const signature = String(got.headers['hearth-signature']);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
    expect(m).not.toBeNull();
    const [, ts = '', v1] = m ?? [];
    const expected = createHmac('sha256', made.secret ?? '')
      .update(`${ts}.${got.body}`)
      .digest('hex');
    expect(v1).toBe(expected);
    expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(60);
    expect(got.headers['hearth-webhook-id']).toBe(made.id);
    expect(got.headers['content-type']).toBe('application/json');
    // What the feed releases to a "chat:read" key: the text sealed, never in the clear.
    const event = JSON.parse(got.body) as PublicEvent;
    expect(event).toMatchObject({ seq, type: 'hearth.chat.v1.MessagePosted', personal: 'sealed' });
    expect(got.body).not.toContain('hello hook');
    const listed = await eventually(async () =>
      (await deliveries(`?webhook=${made.id}`)).find(
        (d) => d.eventId.endsWith(`/${seq}`) && d.status === 'delivered',
      ),
    );
    expect(listed).toMatchObject({ attempts: 1, lastStatus: 204 });
  });

  it('takes an admin’s own secret, and changes are events too', async () => {
    const own = await register({ url: receiver.url('/own'), secret: 'an-admins-own-secret-1234' });
    expect(own.secret).toBeUndefined();
    const put = await admin.request(`/api/v1/admin/webhooks/${own.id}`, {
      method: 'PUT',
      body: { name: 'Renamed', url: receiver.url('/own2'), subjects: [chat] },
    });
    expect(put.status).toBe(200);
    const { seq } = await post('after a change');
    const got = await eventually(async () =>
      receiver.at('/own2').find((r) => r.headers['hearth-event-id']?.toString().endsWith(`/${seq}`)),
    );
    const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got.headers['hearth-signature'])) ?? [];
    expect(v1).toBe(
      createHmac('sha256', 'an-admins-own-secret-1234').update(`${ts}.${got.body}`).digest('hex'),
    );
    expect((await admin.request(`/api/v1/admin/webhooks/${own.id}/remove`, { body: {} })).status).toBe(200);
    const kinds = (await identityEvents(t.hub)).filter(
      (e) => e.case.startsWith('webhook') && (e.value as { webhookId: string }).webhookId === own.id,
    );
    expect(kinds.map((e) => e.case)).toEqual(['webhookRegistered', 'webhookChanged', 'webhookRemoved']);
  });

  it('refuses a URL that is not http(s), and subjects outside what integrators read', async () => {
    for (const body of [
      { url: 'file:///etc/passwd', subjects: [chat] },
      { url: 'ftp://example.org/x', subjects: [chat] },
      { url: 'http://127.0.0.1/x', subjects: ['elsewhere.>'] },
      // Credentials in the URL: refused, never kept (fetch would refuse them, quoting the URL).
      { url: 'http://user:pass@127.0.0.1/x?token=1', subjects: [chat] },
      { url: 'https://user@example.org/x', subjects: [chat] },
      // One filter per item: two joined by a comma would match nothing.
      { url: 'http://127.0.0.1/x', subjects: [`${chat.slice(0, -1)}a,${chat.slice(0, -1)}b`] },
    ]) {
      const res = await admin.request('/api/v1/admin/webhooks', { body: { name: 'Bad', ...body } });
      expect(res.status).toBe(400);
      expect(await json<{ code: string }>(res)).toMatchObject({ code: expect.any(String) });
    }
  });

  it('refuses hostile query parameters and ids with the envelope, and changes nothing', async () => {
    const before = (await deliveries()).length;
    for (const query of [
      '?status=%00',
      '?status=dead&status=dead',
      '?webhook=%ED%A0%80',
      `?webhook=${'a'.repeat(5000)}`,
      '?__proto__=1',
      '?status=nosuch',
    ]) {
      const res = await admin.request(`/api/v1/admin/webhooks/deliveries${query}`);
      expect(res.status, query).toBe(400);
      expect(await json<{ code: string }>(res)).toMatchObject({
        error: expect.any(String),
        code: expect.any(String),
      });
    }
    for (const id of ['%00', '%ED%A0%80', 'x'.repeat(5000), '__proto__']) {
      const retry = await admin.request(`/api/v1/admin/webhooks/deliveries/${id}/retry`, { body: {} });
      expect([400, 404], id).toContain(retry.status);
      const remove = await admin.request(`/api/v1/admin/webhooks/${id}/remove`, { body: {} });
      expect([400, 404], id).toContain(remove.status);
    }
    expect((await deliveries()).length).toBe(before);
  });

  it('takes a null secret as none: the hub makes one and shows it; a change with null keeps it', async () => {
    const hook = await register({ url: receiver.url('/nullsecret'), secret: null });
    expect(hook.secret).toMatch(/^whsec_/);
    const put = await admin.request(`/api/v1/admin/webhooks/${hook.id}`, {
      method: 'PUT',
      body: { name: 'Null', url: receiver.url('/nullsecret'), subjects: [chat], secret: null },
    });
    expect(put.status).toBe(200);
  });
});

describe('when the receiver fails', () => {
  it('is retried with backoff until it answers, and delivered once', async () => {
    const hook = await register({ url: receiver.url('/flaky') });
    const { seq } = await post('flaky');
    const done = await eventually(
      async () => (await deliveries(`?webhook=${hook.id}`)).find((d) => d.status === 'delivered'),
      { timeoutMs: 10_000, what: 'the retried delivery' },
    );
    expect(done).toMatchObject({ attempts: 3, lastStatus: 204 });
    const sent = receiver.at('/flaky');
    expect(sent.map((r) => r.headers['hearth-delivery-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(sent.map((r) => r.headers['hearth-event-id']))).toEqual(new Set([`${done.eventId}`]));
    expect(done.eventId.endsWith(`/${seq}`)).toBe(true);
    // Backoff: the gaps grow (100 ms then 200 ms, ±20 %).
    const [a, b, c] = sent.map((r) => r.at);
    expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual(70);
    expect((c ?? 0) - (b ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it('lands in the dead letters once retries are spent, and is sent again on the admin’s word', async () => {
    const hook = await register({ url: receiver.url('/dead') });
    const hang = await register({ url: receiver.url('/hang') });
    await post('to the dead');
    const dead = await eventually(async () => (await deliveries(`?status=dead&webhook=${hook.id}`))[0], {
      timeoutMs: 10_000,
      what: 'a dead delivery',
    });
    expect(dead).toMatchObject({ attempts: 3, lastStatus: 500, lastError: 'HTTP 500' });
    expect(receiver.at('/dead')).toHaveLength(3);
    // A receiver that never answers held up neither that one nor the others.
    const hanging = await eventually(async () =>
      (await deliveries(`?webhook=${hang.id}`)).find((d) => d.lastError !== null),
    );
    expect(hanging.lastError).toBe('timed out');

    const retry = await admin.request(`/api/v1/admin/webhooks/deliveries/${dead.id}/retry`, { body: {} });
    expect(retry.status).toBe(200);
    // One more attempt, counted on (the fourth), and dead again with its new answer.
    const again = await eventually(async () =>
      (await deliveries(`?status=dead&webhook=${hook.id}`)).find((d) => d.attempts === 4),
    );
    expect(again).toMatchObject({ id: dead.id, lastStatus: 500 });
    expect(receiver.at('/dead').map((r) => r.headers['hearth-delivery-attempt'])).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(
      (await admin.request('/api/v1/admin/webhooks/deliveries/999999999/retry', { body: {} })).status,
    ).toBe(404);
    // Its webhook removed, a dead letter is not sent again: 409, not a 200 that sends nothing.
    expect((await admin.request(`/api/v1/admin/webhooks/${hook.id}/remove`, { body: {} })).status).toBe(200);
    await eventually(async () =>
      (await json<AdminWebhook[]>(await admin.request('/api/v1/admin/webhooks'))).find(
        (w) => w.id === hook.id && w.status === 'removed',
      ),
    );
    const refused = await admin.request(`/api/v1/admin/webhooks/deliveries/${dead.id}/retry`, { body: {} });
    expect(refused.status).toBe(409);
    expect(receiver.at('/dead')).toHaveLength(4);
    // Removed: nothing more goes to it.
    await admin.request(`/api/v1/admin/webhooks/${hang.id}/remove`, { body: {} });
  });
});
