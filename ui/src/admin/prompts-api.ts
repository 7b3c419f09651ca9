// The console's calls for the assistant's system prompts (contracts/assistant.api.ts): each
// change answers once the read model has it, so a reload after it shows it.
import type {
  SystemPromptAnswer,
  SystemPromptSaved,
  SystemPromptsAnswer,
} from '../../../contracts/assistant.api.ts';
import type { CreatePromptBody, SavePromptBody } from '../../../contracts/assistant.schema.ts';
import { api } from '../lib/http.ts';

const BASE = '/api/v1/admin/assistant/prompts';
const part = encodeURIComponent;

export const getPrompts = () => api<SystemPromptsAnswer>(BASE);
export const getPrompt = (id: string) => api<SystemPromptAnswer>(`${BASE}/${part(id)}`);
export const createPrompt = (body: CreatePromptBody) => api<SystemPromptSaved>(BASE, { body });
export const savePrompt = (id: string, body: SavePromptBody) =>
  api<SystemPromptSaved>(`${BASE}/${part(id)}`, { method: 'PUT', body });
export const removePrompt = (id: string, expectedVersion: number) =>
  api<SystemPromptSaved>(`${BASE}/${part(id)}/remove`, { body: { expected_version: expectedVersion } });
export const setChildrenPrompt = (promptId: string | null) =>
  api<{ seq: number; children_prompt_id: string | null }>('/api/v1/admin/assistant/children-prompt', {
    method: 'PUT',
    body: { prompt_id: promptId },
  });
