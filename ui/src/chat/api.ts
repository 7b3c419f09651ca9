// The chat routes of the edge's public API; what each answers is the contract's
// (contracts/chat.api.ts), which the edge's routes satisfy.
import type {
  Accepted,
  ChannelCreated,
  ChannelDetail,
  ChannelSummary,
  ChatMessage,
  WsToken,
} from '../../../contracts/chat.api.ts';
import { api } from '../lib/http.ts';

export const PAGE_SIZE = 50;

/** `after`: wait (briefly) until the list includes the effect of this sequence. */
export const listChannels = (after?: number) =>
  api<ChannelSummary[]>(after ? `/api/v1/channels?after=${after}` : '/api/v1/channels');

/** The page of history just before `before` (or the newest page). Oldest first. */
export function loadHistory(
  channel: string,
  before?: { createdAt: string; seq: number | null },
): Promise<ChatMessage[]> {
  const q = new URLSearchParams({ channel, limit: String(PAGE_SIZE) });
  if (before) {
    // before_seq breaks ties between messages of the same millisecond.
    q.set('before', String(new Date(before.createdAt).getTime() + 1));
    if (before.seq !== null) q.set('before_seq', String(before.seq));
  }
  return api<ChatMessage[]>(`/api/v1/messages?${q}`);
}

export async function wsToken(): Promise<string> {
  const { token } = await api<WsToken>('/api/v1/ws-token', { method: 'POST' });
  return token;
}

/** The DM channel with this person (the same one whoever opens it first). */
export function openDm(userId: string): Promise<ChannelCreated> {
  return api<ChannelCreated>('/api/v1/dms', { body: { user_id: userId } });
}

/** A group channel; its creator is in it, and so is everyone invited. */
export function createChannel(name: string, members: string[]): Promise<ChannelCreated> {
  return api<ChannelCreated>('/api/v1/channels', { body: { name, members } });
}

/** The channel with its creator and every member's read mark. */
export const channelDetail = (id: string) => api<ChannelDetail>(`/api/v1/channels/${encodeURIComponent(id)}`);

/** Adds someone to a group channel (any member may). */
export const addMember = (channel: string, userId: string) =>
  api<Accepted>(`/api/v1/channels/${encodeURIComponent(channel)}/members`, { body: { user_id: userId } });

/** Removes someone (its creator or a moderator), or leaves (anyone, for themselves). */
export const removeMember = (channel: string, userId: string) =>
  api<Accepted>(`/api/v1/channels/${encodeURIComponent(channel)}/members/${encodeURIComponent(userId)}`, {
    method: 'DELETE',
  });

/** Archives a group channel (its creator or a moderator): it stays readable, nobody writes. */
export const archiveChannel = (channel: string) =>
  api<Accepted>(`/api/v1/channels/${encodeURIComponent(channel)}/archive`, { method: 'POST' });
