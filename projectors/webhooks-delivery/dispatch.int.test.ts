// The delivery loop on a real Postgres: an outcome that comes back after its lease ended (and
// another process claimed the row again and delivered it) changes nothing; and after a
// failure a webhook's other deliveries wait out the backoff.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../test/db.ts';
import { testDatabase } from '../../test/services.ts';
import { startReceiver } from '../../test/webhook-receiver.ts';
import { webhookSealer } from '../../writers/identity/webhook-secret.ts';
import { IDENTITY_WEBHOOKS, identityWebhooksProjection } from '../identity-webhooks/projection.ts';
import { migrateSchema } from '../runtime/migrate.ts';
import { DEFAULT_WEBHOOKS, startDeliveries } from './dispatch.ts';
import { migrateDeliveries } from './queries.ts';

let db: Kysely<unknown>;
let cleanup: () => Promise<void>;
let pool: { end: () => Promise<void> };
const sealer = webhookSealer('a hub secret for this test');
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  const t = await testDatabase();
  ({ db, pool } = openDb(t.url));
  cleanup = t.cleanup;
  await migrateSchema({ db, schema: IDENTITY_WEBHOOKS, migrations: identityWebhooksProjection.migrations });
  await migrateDeliveries(db);
}, 30_000);
afterAll(async () => {
  await db?.destroy();
  await pool?.end().catch(() => undefined);
  await cleanup?.();
});

const addWebhook = (id: string, url: string) =>
  sql`INSERT INTO identity_webhooks.webhooks (id, name, url, subjects, secret_sealed, registered_by, registered_at, last_seq)
      VALUES (${id}, 'W', ${url}, '["hearth.chat.>"]', ${sealer.seal('a-secret-of-16-chars')}, 'u', now(), 1)`.execute(
    db,
  );
const addDelivery = async (webhook: string, seq: number) =>
  (
    await sql<{
      id: string;
    }>`INSERT INTO webhooks_delivery.deliveries (webhook_id, stream, seq, subject, type, body)
      VALUES (${webhook}, 'S', ${seq}, 'hearth.chat.x', 'T', '{}') RETURNING id`.execute(db)
  ).rows[0]?.id ?? '';
const row = async (id: string) =>
  (
    await sql<{ status: string; attempts: number; next_at: Date }>`
      SELECT status, attempts, next_at FROM webhooks_delivery.deliveries WHERE id = ${id}`.execute(db)
  ).rows[0];

async function until<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const options = { ...DEFAULT_WEBHOOKS, timeoutMs: 5_000, attempts: 5, backoffMs: 60_000, pollMs: 20 };

describe('a stalled attempt', () => {
  it('cannot undo a delivery another process made after its lease ended', async () => {
    let release: (status: number) => void = () => undefined;
    const held = new Promise<number>((r) => {
      release = r;
    });
    let calls = 0;
    const receiver = await startReceiver(() => {
      calls += 1;
      return calls === 1 ? held : 204;
    });
    try {
      await addWebhook('stalled000000001', receiver.url('/x'));
      const id = await addDelivery('stalled000000001', 1);
      const a = startDeliveries({ db, sealer, logger, options });
      await until(() => (calls === 1 ? true : undefined));
      // The lease ends while A still waits on the receiver; B claims the row and delivers it.
      await sql`UPDATE webhooks_delivery.deliveries SET next_at = now() WHERE id = ${id}`.execute(db);
      const b = startDeliveries({ db, sealer, logger, options });
      await until(async () => ((await row(id))?.status === 'delivered' ? true : undefined));
      await b.stop();
      // A's answer comes back a failure, late: the row stays delivered, and is not sent again.
      release(500);
      await a.stop();
      expect(await row(id)).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(receiver.at('/x').map((r) => r.headers['hearth-delivery-attempt'])).toEqual(['1', '2']);
    } finally {
      release(500);
      await receiver.stop();
    }
  });
});

describe('a failing receiver', () => {
  it('holds its other deliveries back until its backoff ends', async () => {
    const receiver = await startReceiver(() => 500);
    try {
      await addWebhook('failing000000001', receiver.url('/f'));
      const first = await addDelivery('failing000000001', 1);
      const second = await addDelivery('failing000000001', 2);
      const d = startDeliveries({ db, sealer, logger, options: { ...options, perWebhook: 1 } });
      await until(() => (receiver.at('/f').length === 1 ? true : undefined));
      await until(
        async () => ((await row(first))?.next_at.getTime() ?? 0) > Date.now() + 30_000 || undefined,
      );
      await d.stop();
      // The first failed; the second, due all along, was never sent and now waits as long.
      expect(await row(first)).toMatchObject({ status: 'pending', attempts: 1 });
      expect(await row(second)).toMatchObject({ status: 'pending', attempts: 0 });
      expect((await row(second))?.next_at.getTime()).toBeGreaterThan(Date.now() + 30_000);
      expect(receiver.at('/f')).toHaveLength(1);
    } finally {
      await receiver.stop();
    }
  });
});

describe('upkeep', () => {
  it('drops a removed webhook’s pending deliveries, and dead letters a month old', async () => {
    await addWebhook('removed000000001', 'http://127.0.0.1:9/never');
    await sql`UPDATE identity_webhooks.webhooks SET removed_at = now() WHERE id = 'removed000000001'`.execute(
      db,
    );
    const pending = await addDelivery('removed000000001', 1);
    await addWebhook('olddead000000001', 'http://127.0.0.1:9/never');
    const old = await addDelivery('olddead000000001', 1);
    const recent = await addDelivery('olddead000000001', 2);
    await sql`UPDATE webhooks_delivery.deliveries SET status = 'dead', next_at = now() - interval '31 days'
      WHERE id = ${old}`.execute(db);
    await sql`UPDATE webhooks_delivery.deliveries SET status = 'dead', next_at = now() - interval '29 days'
      WHERE id = ${recent}`.execute(db);
    const d = startDeliveries({ db, sealer, logger, options });
    await until(
      async () => ((await row(pending)) === undefined && (await row(old)) === undefined) || undefined,
    );
    await d.stop();
    expect(await row(recent)).toMatchObject({ status: 'dead' });
  });
});
