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
