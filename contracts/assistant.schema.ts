// The family assistant's command bodies: a prompt (POST /api/v1/assistant/chat) and the admins'
// settings (allowed models per role, quotas). Strings are bounded; NUL and lone surrogates are
// refused by the shared check.
import type { JSONSchemaType } from 'ajv';

/** A prompt longer than this is refused as too large (413). */
export const MAX_PROMPT = 8000;
export const MAX_MODEL = 100;
export const MODEL_PATTERN = '^[A-Za-z0-9._:/-]+$';
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export type ChatBody = {
  /** Absent: a new conversation. */
  conversation_id?: string;
  prompt: string;
  /** Absent: the member's chosen model, else the hub's default. */
  model?: string;
};

export const chatBody: JSONSchemaType<ChatBody> = {
  type: 'object',
  properties: {
    conversation_id: { type: 'string', pattern: UUID_PATTERN, maxLength: 36, nullable: true },
    prompt: { type: 'string', minLength: 1, maxLength: MAX_PROMPT },
    model: { type: 'string', pattern: MODEL_PATTERN, maxLength: MAX_MODEL, nullable: true },
  },
  required: ['prompt'],
  additionalProperties: false,
};
