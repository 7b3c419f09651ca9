// The hash chain's command bodies (POST /api/v1/audit/verify; /audit/checkpoints takes none).
import type { JSONSchemaType } from 'ajv';

/** The streams' bare names, as checkpoints and reports name them. */
export const CHAINED_STREAMS = [
  'IDENTITY',
  'CHAT',
  'PLAY',
  'HOME',
  'MEDIA',
  'AUDIT',
  'PREFERENCES',
  'ASSISTANT',
] as const;

export type VerifyBody = { stream?: string; from_seq?: number };
export const verifyBody: JSONSchemaType<VerifyBody> = {
  type: 'object',
  properties: {
    stream: { type: 'string', nullable: true, enum: [...CHAINED_STREAMS] },
    from_seq: { type: 'integer', nullable: true, minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
  additionalProperties: false,
};
