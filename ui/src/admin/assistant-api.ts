// The console's calls to the assistant's admin routes (edge/assistant/routes.ts): everyone's
// usage per day, the admins' settings (versioned), the children's conversations and a transcript.
import type {
  AssistantStatus,
  ConversationAnswer,
  ConversationSummary,
  UsageDay,
} from '../../../contracts/assistant.api.ts';
import type { AssistantSettingsBody } from '../../../contracts/assistant.schema.ts';
import { api } from '../lib/http.ts';
import { getUsers } from './api.ts';

/** GET /admin/assistant/settings: the set in force (version 0 before any). */
export type AssistantSettings = {
  version: number;
  allowed_models: { role: string; models: string[] }[];
  quotas: { member_id: string; tokens_per_day: number; requests_per_minute: number }[];
};

export const getAssistantUsage = () => api<{ usage: UsageDay[] }>('/api/v1/admin/assistant/usage');
/** `seq`: a save's, so the answer includes it (the edge waits, else 503). */
export const getAssistantSettings = (seq?: number) =>
  api<AssistantSettings>(`/api/v1/admin/assistant/settings${seq ? `?after=${seq}` : ''}`);
/** 200 once the settings read back include the change, 202 when they may not yet. */
export const saveAssistantSettings = (body: AssistantSettingsBody) =>
  api<{ seq: number; version: number }>('/api/v1/admin/assistant/settings', { method: 'PUT', body });
/** For the hub's default model, named beside the models' fields. */
export const getAssistantStatus = () => api<AssistantStatus>('/api/v1/assistant/status');
export const getChildrenConversations = () =>
  api<{ conversations: ConversationSummary[] }>('/api/v1/admin/assistant/children');
export const getConversation = (id: string) =>
  api<ConversationAnswer>(`/api/v1/assistant/conversations/${encodeURIComponent(id)}`);

/** Who each member id is, for the usage and transcripts (an erased member has no name left). */
export const getMembers = async () =>
  new Map(
    (await getUsers()).map((u) => {
      const erased = Boolean(u.erasedAt) || !u.name;
      return [u.id, { name: erased ? 'An erased member' : u.name, role: u.role, erased }];
    }),
  );
export type Members = Awaited<ReturnType<typeof getMembers>>;
/** A member's name, or what to say for an id the family no longer has. */
export const nameOf = (members: Members | null, id: string) =>
  members?.get(id)?.name ?? (members ? 'A former member' : 'A member');
