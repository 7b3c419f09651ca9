// The delivery loop: claims due deliveries, POSTs them, records each outcome. A claim locks the
// rows it picks (SKIP LOCKED), counts the attempt and moves next_at past the attempt's timeout
// (a lease), so two processes never send the same row at once, and a process that dies
// mid-send leaves the row due again once the lease ends (at least once on the wire; receivers
// dedupe on Hearth-Event-Id). An outcome is recorded only if the row is still as its claim
// left it (same attempt count, pending): a row recorded delivered is never sent again, even by
// a process that stalled past its lease. After a failure, all of that webhook's pending rows
// wait out the backoff. Each webhook gets at most
// `perWebhook` attempts at a time and only when none of its own is in flight, and every
// attempt has a timeout, so a slow or dead receiver holds up no other, nor the hub.
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { WebhookSealer } from '../../writers/identity/webhook-secret.ts';
import { webhookUrl } from '../identity-webhooks/queries.ts';
import { type Outcome, sendDelivery } from './send.ts';
import { DELIVERY_SCHEMA } from './tables.ts';

export type WebhookOptions = {
  /** Each attempt's timeout. */
  timeoutMs: number;
  /** Attempts before a delivery is dead. */
  attempts: number;
  /** The wait after the first failure, doubled after each next one up to backoffMaxMs. */
  backoffMs: number;
  backoffMaxMs: number;
  /** How often the loop looks for due deliveries. */
  pollMs: number;
  /** Attempts in flight at once, in all and per webhook. */
  concurrency: number;
  perWebhook: number;
  /** Delivered rows are kept this long for the console. */
  keepDeliveredMs: number;
  /** Dead rows (the console's dead letters) are kept this long. */
  keepDeadMs: number;
};

export const DEFAULT_WEBHOOKS: WebhookOptions = {
  timeoutMs: 10_000,
  attempts: 10,
  backoffMs: 5_000,
  backoffMaxMs: 3_600_000,
  pollMs: 1_000,
  concurrency: 16,
  perWebhook: 4,
  keepDeliveredMs: 7 * 86_400_000,
  keepDeadMs: 30 * 86_400_000,
};

type Claimed = {
  id: string;
  webhook_id: string;
  stream: string;
  seq: string;
  body: string;
  attempts: number;
  url: string;
  target_sealed: Uint8Array | null;
  secret_sealed: Uint8Array;
};

/** The wait before attempt n + 1 after n failed: backoffMs · 2^(n-1), capped, ±20 %. */
export function backoffMs(failed: number, o: Pick<WebhookOptions, 'backoffMs' | 'backoffMaxMs'>): number {
  const base = Math.min(o.backoffMaxMs, o.backoffMs * 2 ** Math.max(0, failed - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export function startDeliveries({
  db,
  sealer,
  logger,
  options,
}: {
  db: Kysely<unknown>;
  sealer: WebhookSealer;
  logger: Logger;
  options: WebhookOptions;
}): { stop: () => Promise<void>; nudge: () => void } {
  const table = sql.table(`${DELIVERY_SCHEMA}.deliveries`);
  const inFlight = new Map<string, number>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = 0;

  const claim = async (free: number): Promise<Claimed[]> => {
    const busy = [...inFlight.keys()];
    const lease = (options.timeoutMs + 5_000) / 1000;
    const { rows } = await sql<Claimed>`
      WITH pick AS (
        SELECT id, url, target_sealed, secret_sealed FROM (
          SELECT d.id, w.url, w.target_sealed, w.secret_sealed,
                 row_number() OVER (PARTITION BY d.webhook_id ORDER BY d.id) AS rn
          FROM ${table} d JOIN identity_webhooks.webhooks w ON w.id = d.webhook_id AND w.removed_at IS NULL
          WHERE d.status = 'pending' AND d.next_at <= now() AND NOT (d.webhook_id = ANY(${busy}::text[]))
        ) x WHERE rn <= ${options.perWebhook} ORDER BY id LIMIT ${free}),
      locked AS (
        SELECT d.id FROM ${table} d WHERE d.id IN (SELECT id FROM pick) FOR UPDATE SKIP LOCKED)
      UPDATE ${table} d SET next_at = now() + make_interval(secs => ${lease}), attempts = d.attempts + 1
      FROM pick JOIN locked ON locked.id = pick.id
      WHERE d.id = pick.id AND d.status = 'pending' AND d.next_at <= now()
      RETURNING d.id, d.webhook_id, d.stream, d.seq, d.body, d.attempts, pick.url, pick.target_sealed, pick.secret_sealed`.execute(
      db,
    );
    return rows;
  };

  // The claim counted the attempt: its count is the claim's token. An outcome is recorded only
  // on the row as this claim left it, so a late one (its lease ended, another process claimed
  // the row again, perhaps delivered it) changes nothing.
  const record = async (row: Claimed, outcome: Outcome): Promise<boolean> => {
    const claimed = sql`id = ${row.id} AND status = 'pending' AND attempts = ${row.attempts}`;
    if (outcome.ok) {
      const r = await sql`UPDATE ${table} SET status = 'delivered', delivered_at = now(),
        last_status = ${outcome.status}, last_error = NULL WHERE ${claimed}`.execute(db);
      return (r.numAffectedRows ?? 0n) > 0n;
    }
    const dead = row.attempts >= options.attempts;
    const wait = backoffMs(row.attempts, options) / 1000;
    const r = await sql`UPDATE ${table} SET last_status = ${outcome.status},
      last_error = ${outcome.error}, status = ${dead ? 'dead' : 'pending'},
      next_at = now() + make_interval(secs => ${wait}) WHERE ${claimed}`.execute(db);
    if ((r.numAffectedRows ?? 0n) === 0n) return false;
    // The receiver failed: its other deliveries wait as long, so a dead one holds no places.
    await sql`UPDATE ${table} SET next_at = now() + make_interval(secs => ${wait})
      WHERE webhook_id = ${row.webhook_id} AND status = 'pending' AND id <> ${row.id}
        AND next_at < now() + make_interval(secs => ${wait})`.execute(db);
    if (dead)
      logger.warn(
        { delivery: row.id, webhook: row.webhook_id, error: outcome.error },
        'webhook delivery dead',
      );
    return true;
  };

  // Delivered rows after a week, dead ones after a month; a removed webhook's pending ones at
  // once (they are never claimed: nothing more is sent to it).
  const prune = async (): Promise<void> => {
    await sql`DELETE FROM ${table} WHERE (status = 'delivered'
        AND delivered_at < now() - make_interval(secs => ${options.keepDeliveredMs / 1000}))
      OR (status = 'dead' AND next_at < now() - make_interval(secs => ${options.keepDeadMs / 1000}))`.execute(
      db,
    );
    await sql`DELETE FROM ${table} d USING identity_webhooks.webhooks w
      WHERE w.id = d.webhook_id AND w.removed_at IS NOT NULL AND d.status = 'pending'`.execute(db);
  };

  const attempt = async (row: Claimed): Promise<void> => {
    const secret = sealer.open(row.secret_sealed);
    const url = webhookUrl(row, sealer.open);
    const outcome: Outcome =
      secret && url
        ? await sendDelivery(
            {
              webhookId: row.webhook_id,
              url,
              secret,
              eventId: `${row.stream}/${row.seq}`,
              body: row.body,
              attempt: row.attempts,
            },
            options,
          )
        : { ok: false, status: null, error: 'the URL or secret does not open with this hub’s secret' };
    if (!(await record(row, outcome)))
      logger.warn(
        { delivery: row.id, webhook: row.webhook_id },
        'webhook delivery outcome late: another claim has it',
      );
  };

  const round = async (): Promise<void> => {
    const free = options.concurrency - running.size;
    if (free <= 0) return;
    for (const row of await claim(free)) {
      inFlight.set(row.webhook_id, (inFlight.get(row.webhook_id) ?? 0) + 1);
      const p = attempt(row)
        .catch((err) => logger.warn({ err, delivery: row.id }, 'webhook delivery not recorded'))
        .finally(() => {
          const n = (inFlight.get(row.webhook_id) ?? 1) - 1;
          if (n > 0) inFlight.set(row.webhook_id, n);
          else inFlight.delete(row.webhook_id);
          running.delete(p);
          // A finished attempt frees a place: look again at once.
          schedule(0);
        });
      running.add(p);
    }
    if (Date.now() - lastPrune > 60_000) {
      lastPrune = Date.now();
      await prune();
    }
  };

  let looking = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
  };
  let current: Promise<void> | undefined;
  const tick = () => {
    timer = undefined;
    if (looking || stopped) return;
    looking = true;
    current = round()
      .catch((err) => logger.warn({ err }, 'webhook deliveries not claimed'))
      .finally(() => {
        looking = false;
        if (!timer) schedule(options.pollMs);
      });
  };
  schedule(0);

  return {
    nudge: () => schedule(0),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
      // Attempts in flight end within their timeout and are recorded: none is sent again.
      await Promise.allSettled([...running]);
    },
  };
}
