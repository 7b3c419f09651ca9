// The console's calls: the admin's identity routes (people, invites, sessions, the family's
// settings), play's time zone and levels, and the operators' API (read models, dead letters).
// Shapes are the contracts' (contracts/identity.api.ts, admin.api.ts, play.api.ts).
import type { DeadLetter, ReadModelStatus, RebuildStatus } from '../../../contracts/admin.api.ts';
import type {
  Accepted,
  AdminInvite,
  AdminUser,
  FamilySaved,
  FamilySettings,
  InviteMade,
  SessionsRevoked,
} from '../../../contracts/identity.api.ts';
import type { EraseMemberBody, FamilyBody } from '../../../contracts/identity.schema.ts';
import type {
  AdminApiKey,
  AdminWebhook,
  ApiKeyMade,
  WebhookDelivery,
  WebhookMade,
} from '../../../contracts/integrators.api.ts';
import type { IssueKeyBody, WebhookBody } from '../../../contracts/integrators.schema.ts';
import type { Accepted as PlayAccepted, PlaySettings, Profile } from '../../../contracts/play.api.ts';
import { api } from '../lib/http.ts';

const part = encodeURIComponent;
const after = (seq?: number) => (seq ? `?after=${seq}` : '');

/** A session as GET /admin/users/:id/sessions lists it. */
export type AdminSession = {
  id: string;
  createdAt: string;
  expiresAt: string;
  ipAddress: string | null;
  userAgent: string | null;
  impersonatedBy: string | null;
};

export const getUsers = (seq?: number) => api<AdminUser[]>(`/api/v1/admin/users${after(seq)}`);
export const setRole = (userId: string, role: string) =>
  api<Accepted>(`/api/v1/admin/users/${part(userId)}/role`, { body: { role } });
export const ban = (userId: string, body: { reason: string; expiresAt?: string }) =>
  api<Accepted>(`/api/v1/admin/users/${part(userId)}/ban`, { body });
export const unban = (userId: string) =>
  api<Accepted>(`/api/v1/admin/users/${part(userId)}/unban`, { body: {} });
export const eraseMember = (userId: string, body: EraseMemberBody) =>
  api<Accepted>(`/api/v1/admin/members/${part(userId)}/erase`, { body });
export const getSessions = (userId: string) =>
  api<AdminSession[]>(`/api/v1/admin/users/${part(userId)}/sessions`);
export const revokeSession = (userId: string, sessionId: string) =>
  api<Accepted>(`/api/v1/admin/users/${part(userId)}/sessions/${part(sessionId)}/revoke`, { body: {} });
export const revokeAllSessions = (userId: string) =>
  api<SessionsRevoked>(`/api/v1/admin/users/${part(userId)}/sessions/revoke`, { body: {} });

export const getInvites = (seq?: number) => api<AdminInvite[]>(`/api/v1/admin/invites${after(seq)}`);
export const createInvite = (body: { role: string; expiresIn: string; uses: number }) =>
  api<InviteMade>('/api/v1/admin/invites', { body });
export const revokeInvite = (id: string) =>
  api<Accepted>(`/api/v1/admin/invites/${part(id)}/revoke`, { body: {} });

export const getFamily = (seq?: number) => api<FamilySettings>(`/api/v1/admin/family${after(seq)}`);
export const saveFamily = (body: FamilyBody) =>
  api<FamilySaved>('/api/v1/admin/family', { method: 'PUT', body });
export const getPlaySettings = (seq?: number) => api<PlaySettings>(`/api/v1/play/settings${after(seq)}`);
export const saveTimeZone = (timeZone: string) =>
  api<PlayAccepted>('/api/v1/play/settings', { method: 'PUT', body: { time_zone: timeZone } });
export const getLevel = async (userId: string): Promise<number | null> => {
  try {
    return (await api<Profile>(`/api/v1/play/members/${part(userId)}`)).level;
  } catch {
    return null; // not on play's boards (banned, or not yet counted)
  }
};

export const getReadModels = () => api<ReadModelStatus[]>('/api/v1/admin/read-models');
export const startRebuild = (name: string, acceptDifferences = false) =>
  api<RebuildStatus>(`/api/v1/admin/read-models/${part(name)}/rebuild`, {
    body: acceptDifferences ? { acceptDifferences } : {},
  });
export const cancelRebuild = (name: string) =>
  api<RebuildStatus>(`/api/v1/admin/read-models/${part(name)}/rebuild/cancel`, { body: {} });
/**
 * Follows a rebuild's progress as server-sent events until it ends; `onEnd(false)` when the
 * stream broke first (the caller polls instead). Returns a function that stops following.
 */
export function followRebuild(
  name: string,
  onStatus: (status: RebuildStatus) => void,
  onEnd: (complete: boolean) => void,
): () => void {
  const source = new EventSource(`/api/v1/admin/read-models/${part(name)}/rebuild/events`);
  let ended = false;
  const end = (complete: boolean) => {
    if (ended) return;
    ended = true;
    source.close();
    onEnd(complete);
  };
  source.addEventListener('progress', (e) => {
    const status = JSON.parse((e as MessageEvent<string>).data) as RebuildStatus;
    onStatus(status);
    if (!['running', 'verifying', 'switching'].includes(status.status)) end(true);
  });
  source.onerror = () => end(false);
  return () => end(true);
}
export const getRebuild = (name: string) =>
  api<RebuildStatus>(`/api/v1/admin/read-models/${part(name)}/rebuild`);

export const getDeadLetters = () => api<DeadLetter[]>('/api/v1/admin/dead-letters?status=parked');
export const resolveDeadLetter = (id: string, action: 'retry' | 'skip') =>
  api<DeadLetter>(`/api/v1/admin/dead-letters/${part(id)}/${action}`, { body: {} });

export const getKeys = (seq?: number) => api<AdminApiKey[]>(`/api/v1/admin/keys${after(seq)}`);
export const issueKey = (body: IssueKeyBody) => api<ApiKeyMade>('/api/v1/admin/keys', { body });
export const revokeKey = (id: string) => api<Accepted>(`/api/v1/admin/keys/${part(id)}/revoke`, { body: {} });

export const getWebhooks = (seq?: number) => api<AdminWebhook[]>(`/api/v1/admin/webhooks${after(seq)}`);
export const registerWebhook = (body: WebhookBody) => api<WebhookMade>('/api/v1/admin/webhooks', { body });
export const removeWebhook = (id: string) =>
  api<Accepted>(`/api/v1/admin/webhooks/${part(id)}/remove`, { body: {} });
/** The newest deliveries of any status, and the dead letters apart (not only those among the newest). */
export const getDeliveries = async () => {
  const [recent, dead] = await Promise.all([
    api<WebhookDelivery[]>('/api/v1/admin/webhooks/deliveries'),
    api<WebhookDelivery[]>('/api/v1/admin/webhooks/deliveries?status=dead'),
  ]);
  return { recent, dead };
};
export const retryDelivery = (id: string) =>
  api<{ retried: boolean }>(`/api/v1/admin/webhooks/deliveries/${part(id)}/retry`, { body: {} });
