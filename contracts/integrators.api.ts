// What integrators and the admin's key console read: API key scopes, keys as listed, and the
// events of the feed (GET /api/v1/events). Types and constants only.
import type { Domain } from './subjects.ts';

/** The domains whose streams a key may read. */
export const FEED_DOMAINS = [
  'chat',
  'play',
  'media',
  'identity',
  'audit',
  'home',
] as const satisfies readonly Domain[];
export type FeedDomain = (typeof FEED_DOMAINS)[number];

/**
 * "<domain>:read" reads a stream's events with their personal fields sealed; "<domain>:personal"
 * also opens them (a direct message's text never).
 */
export type Scope = `${FeedDomain}:read` | `${FeedDomain}:personal`;
export const SCOPES: readonly Scope[] = FEED_DOMAINS.flatMap((d) => [`${d}:read`, `${d}:personal`] as const);

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** The prefix of every key, so a leaked one is recognisable (secret scanners, logs). */
export const KEY_PREFIX = 'hk_';

/** GET /api/v1/admin/keys: one key as the console lists it (never its secret). */
export type AdminApiKey = {
  id: string;
  name: string;
  scopes: Scope[];
  status: 'active' | 'expired' | 'revoked';
  expiresAt: string;
  issuedBy: string;
  issuedAt: string;
  revokedBy: string | null;
  revokedAt: string | null;
};

/** POST /api/v1/admin/keys: the key, shown this once. */
export type ApiKeyMade = { id: string; key: string; expiresAt: string; seq: number };

/** One event of the feed, as JSON (writers/log/public-event.ts). */
export type PublicEvent = {
  /** "<stream>/<seq>": the SSE id, which Last-Event-ID resumes after. */
  id: string;
  stream: string;
  seq: number;
  subject: string;
  /** Protobuf full name, e.g. hearth.chat.v1.MessagePosted. */
  type: string;
  /** ISO time the event occurred. */
  time: string;
  actor: string;
  onBehalfOf?: string;
  correlationId: string;
  /** The event's fields as protobuf JSON; personal fields empty unless opened. */
  payload: Record<string, unknown>;
  /**
   * 'open': personal fields read; 'sealed': the key may not read them (they are empty);
   * 'erased': their owner was erased; 'clear': the event has none.
   */
  personal: 'open' | 'sealed' | 'erased' | 'clear';
};

/** GET /api/v1/admin/webhooks: one webhook as the console lists it (never its secret). */
export type AdminWebhook = {
  id: string;
  name: string;
  url: string;
  subjects: string[];
  status: 'active' | 'removed';
  registeredBy: string;
  registeredAt: string;
  changedAt: string | null;
  removedAt: string | null;
};

/** POST /api/v1/admin/webhooks: the secret is in the answer only when the hub made it. */
export type WebhookMade = { id: string; secret?: string; seq: number };

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** GET /api/v1/admin/webhooks/deliveries: one event on its way to one webhook. */
export type WebhookDelivery = {
  id: string;
  webhookId: string;
  /** "<stream>/<seq>", the Hearth-Event-Id header. */
  eventId: string;
  subject: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  /** The receiver's last HTTP status; null when none answered. */
  lastStatus: number | null;
  /** Why the last attempt failed (a timeout, a refused connection, a status). */
  lastError: string | null;
  createdAt: string;
  nextAt: string | null;
  deliveredAt: string | null;
};

/** The headers of every delivery. */
export const WEBHOOK_HEADERS = {
  signature: 'Hearth-Signature',
  eventId: 'Hearth-Event-Id',
  webhookId: 'Hearth-Webhook-Id',
  attempt: 'Hearth-Delivery-Attempt',
} as const;
