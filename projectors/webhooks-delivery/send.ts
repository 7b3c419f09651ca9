// One delivery attempt: the stored body POSTed to the webhook's URL, signed, with a timeout and
// no redirects followed. Its outcome is a value (never thrown): delivered on a 2xx, else failed
// with what the receiver said or why nothing answered.
import { WEBHOOK_HEADERS } from '../../contracts/integrators.api.ts';
import { signDelivery } from '../../writers/identity/webhook-secret.ts';

export type Attempt = {
  webhookId: string;
  url: string;
  secret: string;
  eventId: string;
  body: string;
  /** This attempt's number, from 1. */
  attempt: number;
};

export type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export async function sendDelivery(a: Attempt, { timeoutMs }: { timeoutMs: number }): Promise<Outcome> {
  try {
    const res = await fetch(a.url, {
      method: 'POST',
      body: a.body,
      // A redirect is a failure: a receiver that moved says so, and the hub goes nowhere it was not sent.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Hearth-Webhooks/1',
        [WEBHOOK_HEADERS.signature]: signDelivery({ secret: a.secret, body: a.body, at: new Date() }),
        [WEBHOOK_HEADERS.eventId]: a.eventId,
        [WEBHOOK_HEADERS.webhookId]: a.webhookId,
        [WEBHOOK_HEADERS.attempt]: String(a.attempt),
      },
    });
    // The answer's body is not read: what matters is the status.
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, status: null, error: failureCode(err) };
  }
}

/**
 * Why nothing answered, as a code or class name: never the error's message, which may quote
 * the URL (with its query) and is stored and logged.
 */
export function failureCode(err: unknown): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return 'timed out';
  if (err instanceof Error) {
    const code = (err.cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && /^[A-Z0-9_]{1,60}$/.test(code)) return code;
    return /^[A-Za-z]{1,60}$/.test(err.name) ? err.name : 'failed';
  }
  return 'failed';
}
