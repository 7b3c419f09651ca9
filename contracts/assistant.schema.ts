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

export const ROLES = ['admin', 'member', 'child'] as const;
export const MAX_MODELS = 50;
export const MAX_QUOTAS = 200;

export type AssistantSettingsBody = {
  /** The version the admin changed (0 before any). */
  expected_version: number;
  /** Per role, the models allowed; a role left out may ask for any, except `child`: none. */
  allowed_models: { role: (typeof ROLES)[number]; models: string[] }[];
  /** Per member; 0 is no limit. */
  quotas: { member_id: string; tokens_per_day: number; requests_per_minute: number }[];
};

export const assistantSettingsBody: JSONSchemaType<AssistantSettingsBody> = {
  type: 'object',
  properties: {
    expected_version: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 },
    allowed_models: {
      type: 'array',
      maxItems: ROLES.length,
      items: {
        type: 'object',
        properties: {
          role: { type: 'string', enum: [...ROLES] },
          models: {
            type: 'array',
            maxItems: MAX_MODELS,
            uniqueItems: true,
            items: { type: 'string', pattern: MODEL_PATTERN, maxLength: MAX_MODEL },
          },
        },
        required: ['role', 'models'],
        additionalProperties: false,
      },
    },
    quotas: {
      type: 'array',
      maxItems: MAX_QUOTAS,
      items: {
        type: 'object',
        properties: {
          member_id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
          tokens_per_day: { type: 'integer', minimum: 0, maximum: 100_000_000 },
          requests_per_minute: { type: 'integer', minimum: 0, maximum: 10_000 },
        },
        required: ['member_id', 'tokens_per_day', 'requests_per_minute'],
        additionalProperties: false,
      },
    },
  },
  required: ['expected_version', 'allowed_models', 'quotas'],
  additionalProperties: false,
};

/** A system prompt's text: the family's words for the assistant, bounded like a prompt. */
export const MAX_SYSTEM_PROMPT = 8000;
export const MAX_PROMPT_NAME = 80;
/** The most prompts a family keeps (removed ones not counted): a create past it is refused. */
export const MAX_SYSTEM_PROMPTS = 100;

const promptName = { type: 'string', minLength: 1, maxLength: MAX_PROMPT_NAME, pattern: '\\S' } as const;
const promptText = { type: 'string', minLength: 1, maxLength: MAX_SYSTEM_PROMPT, pattern: '\\S' } as const;
const version = { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 } as const;

export type CreatePromptBody = { name: string; text: string };
export const createPromptBody: JSONSchemaType<CreatePromptBody> = {
  type: 'object',
  properties: { name: promptName, text: promptText },
  required: ['name', 'text'],
  additionalProperties: false,
};

export type SavePromptBody = { expected_version: number; name: string; text: string };
export const savePromptBody: JSONSchemaType<SavePromptBody> = {
  type: 'object',
  properties: { expected_version: version, name: promptName, text: promptText },
  required: ['expected_version', 'name', 'text'],
  additionalProperties: false,
};

export type RemovePromptBody = { expected_version: number };
export const removePromptBody: JSONSchemaType<RemovePromptBody> = {
  type: 'object',
  properties: { expected_version: version },
  required: ['expected_version'],
  additionalProperties: false,
};

/** prompt_id null or left out: no prompt for the children. */
export type ChildrenPromptBody = { prompt_id?: string };
export const childrenPromptBody: JSONSchemaType<ChildrenPromptBody> = {
  type: 'object',
  properties: { prompt_id: { type: 'string', pattern: UUID_PATTERN, maxLength: 36, nullable: true } },
  required: [],
  additionalProperties: false,
};
