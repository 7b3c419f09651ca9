// The chat routes of the edge's public API.
import { api } from '../lib/http.ts';
import type { Channel, HistoryMessage } from './protocol.ts';

export const PAGE_SIZE = 50;

/** `after`: wait (briefly) until the list includes the effect of this sequence. */
export const listChannels = (after?: number) =>
  api<Channel[]>(after ? `/api/v1/channels?after=${after}` : '/api/v1/channels');

/** The page of history just before `before` (or the newest page). Oldest first. */
export function loadHistory(
  channel: string,
  before?: { createdAt: string; seq: number | null },
): Promise<HistoryMessage[]> {
  const q = new URLSearchParams({ channel, limit: String(PAGE_SIZE) });
  if (before) {
    // before_seq breaks ties between messages of the same millisecond.
    q.set('before', String(new Date(before.createdAt).getTime() + 1));
    if (before.seq !== null) q.set('before_seq', String(before.seq));
  }
  return api<HistoryMessage[]>(`/api/v1/messages?${q}`);
}

export async function wsToken(): Promise<string> {
  const { token } = await api<{ token: string }>('/api/v1/ws-token', { method: 'POST' });
  return token;
}

/** The DM channel with this person (the same one whoever opens it first). */
export function openDm(userId: string): Promise<{ id: string; seq: number }> {
  return api<{ id: string; seq: number }>('/api/v1/dms', { body: { user_id: userId } });
}

/** A group channel; its creator is in it, and so is everyone invited. */
export function createChannel(name: string, members: string[]): Promise<{ id: string; seq: number }> {
  return api<{ id: string; seq: number }>('/api/v1/channels', { body: { name, members } });
}
