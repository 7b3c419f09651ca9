// Bodies and queries of the integrator routes (edge/integrators/), checked before anything is decided.
import type { JSONSchemaType } from 'ajv';
import { SCOPES } from './integrators.api.ts';

export type IssueKeyBody = { name: string; scopes: string[]; expiresInDays?: number };
export const issueKeyBody: JSONSchemaType<IssueKeyBody> = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' },
    scopes: {
      type: 'array',
      minItems: 1,
      maxItems: SCOPES.length,
      uniqueItems: true,
      items: { type: 'string', enum: [...SCOPES] },
    },
    // Default 90 days; at most two years.
    expiresInDays: { type: 'integer', nullable: true, minimum: 1, maximum: 730 },
  },
  required: ['name', 'scopes'],
  additionalProperties: false,
};

export type FeedQuery = { subjects: string; from_seq?: string };
export const feedQuery: JSONSchemaType<FeedQuery> = {
  type: 'object',
  properties: {
    // Comma-separated subject filters of one domain, e.g. hearth.chat.>
    subjects: { type: 'string', minLength: 1, maxLength: 1000 },
    from_seq: { type: 'string', nullable: true, pattern: '^[0-9]{1,15}$' },
  },
  required: ['subjects'],
  additionalProperties: false,
};

/** http(s) only; receivers on loopback or the LAN are allowed (docs/webhooks.md). */
const webhookUrl = {
  type: 'string',
  minLength: 8,
  maxLength: 2000,
  pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$',
} as const;
const webhookSubjects = {
  type: 'array',
  minItems: 1,
  maxItems: 16,
  uniqueItems: true,
  items: { type: 'string', minLength: 3, maxLength: 300 },
} as const;
/** An admin's own secret, when not the hub's: at least 16 characters. */
const webhookSecret = { type: 'string', nullable: true, minLength: 16, maxLength: 256 } as const;

export type WebhookBody = { name: string; url: string; subjects: string[]; secret?: string };
export const webhookBody: JSONSchemaType<WebhookBody> = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' },
    url: webhookUrl,
    subjects: webhookSubjects,
    secret: webhookSecret,
  },
  required: ['name', 'url', 'subjects'],
  additionalProperties: false,
};

export type DeliveriesQuery = { status?: string; webhook?: string };
export const deliveriesQuery: JSONSchemaType<DeliveriesQuery> = {
  type: 'object',
  properties: {
    status: { type: 'string', nullable: true, enum: ['pending', 'delivered', 'dead'] },
    webhook: { type: 'string', nullable: true, pattern: '^[A-Za-z0-9]{16}$' },
  },
  additionalProperties: false,
};
