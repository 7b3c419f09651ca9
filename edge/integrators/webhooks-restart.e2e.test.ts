// A hub stopped while deliveries are still on their way, then started again: every event the
// webhook follows reaches the receiver, and none twice. The reactor's delivery rows are written
// with its checkpoint, and the delivery loop waits for its attempts in flight before it stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminWebhook, WebhookDelivery, WebhookMade } from '../../contracts/integrators.api.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { NATS_URL, testDatabase, testNats, uniquePrefix } from '../../test/services.ts';
import { startReceiver } from '../../test/webhook-receiver.ts';

const prefix = uniquePrefix();
let nats: Awaited<ReturnType<typeof testNats>>;
let database: Awaited<ReturnType<typeof testDatabase>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let hub: TestHub | undefined;
/** The receiver holds its third request until the test lets it go: the hub stops meanwhile. */
let release: () => void = () => undefined;
const held = new Promise<void>((r) => {
  release = r;
});

const json = async <T>(res: Response) => (await res.json()) as T;
// One at a time, so while the receiver holds one, the rest are pending.
const webhooks = {
  timeoutMs: 2000,
  attempts: 3,
  backoffMs: 100,
  backoffMaxMs: 300,
  pollMs: 50,
  perWebhook: 1,
};
const start = () =>
  startTestHub({
    prefix,
    natsUrl: NATS_URL,
    databaseUrl: database.url,
    integrators: { webhooks },
    env: { HEARTH_COMMAND_RATE_LIMIT: '10000' },
  });

beforeAll(async () => {
  nats = await testNats(prefix);
  database = await testDatabase(prefix);
  let n = 0;
  receiver = await startReceiver(async () => {
    n += 1;
    if (n === 3) await held;
    return 200;
  });
}, 30_000);
afterAll(async () => {
  release();
  await hub?.hub.stop();
  await receiver?.stop();
  await database?.cleanup();
  await nats?.cleanup();
});

describe('a hub restarted mid-way through its deliveries', () => {
  it('loses none and sends none twice', async () => {
    hub = await start();
    const admin: TestClient = hub.client();
    expect((await admin.signUp({ email: 'mum@family.test', name: 'Mum' })).status).toBe(200);
    const chat = hub.hub.deps.log.names.domainFilter('chat');
    const channel = await eventually(
      async () => {
        const res = await admin.request('/api/v1/channels', { body: { name: 'Restart', members: [] } });
        return res.status === 201 ? (await json<{ id: string }>(res)).id : undefined;
      },
      { timeoutMs: 30_000, what: 'a channel' },
    );
    const res = await admin.request('/api/v1/admin/webhooks', {
      body: { name: 'Restart', url: receiver.url('/r'), subjects: [chat] },
    });
    const made = await json<WebhookMade>(res);
    await eventually(async () =>
      (await json<AdminWebhook[]>(await admin.request('/api/v1/admin/webhooks'))).length > 0
        ? true
        : undefined,
    );
    const post = async (who: TestClient, content: string) => {
      const r = await who.request('/api/v1/messages', { body: { channel, content } });
      expect(r.status).toBe(201);
      return (await json<{ seq: number }>(r)).seq;
    };
    const seqs: number[] = [];
    for (let i = 0; i < 20; i++) seqs.push(await post(admin, `before ${i}`));
    // Two delivered, the third held by the receiver, the rest pending: stop now. The one in
    // flight is answered while the hub stops, and recorded (it is not sent again).
    await eventually(async () => (receiver.received.length >= 3 ? true : undefined), { timeoutMs: 10_000 });
    const stopping = hub.hub.stop();
    release();
    await stopping;
    expect(receiver.received).toHaveLength(3);

    hub = await start();
    const again = hub.client();
    expect((await again.signIn({ email: 'mum@family.test' })).status).toBe(200);
    for (let i = 0; i < 5; i++) seqs.push(await post(again, `after ${i}`));

    const stream = hub.hub.deps.log.names.stream('chat');
    const wanted = new Set(seqs.map((s) => `${stream}/${s}`));
    await eventually(
      async () => {
        const ids = new Set(receiver.received.map((r) => String(r.headers['hearth-event-id'])));
        return [...wanted].every((id) => ids.has(id)) ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'every event delivered' },
    );
    const ids = receiver.received.map((r) => String(r.headers['hearth-event-id']));
    expect(ids.filter((id) => wanted.has(id))).toHaveLength(wanted.size);
    expect(new Set(ids).size).toBe(ids.length);
    // Each recorded delivered once, on its first attempt (the last is recorded just after it is answered).
    await eventually(async () => {
      const rows = await json<WebhookDelivery[]>(
        await again.request(`/api/v1/admin/webhooks/deliveries?webhook=${made.id}`),
      );
      const ours = rows.filter((d) => wanted.has(d.eventId));
      return ours.length === wanted.size && ours.every((d) => d.status === 'delivered' && d.attempts === 1)
        ? true
        : undefined;
    });
  }, 90_000);
});
