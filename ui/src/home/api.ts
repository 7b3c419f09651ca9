// The home API, typed from the server's contracts (contracts/home.api.ts).
import type { Accepted, HomeFeed, NotificationsPage } from '../../../contracts/home.api.ts';
import type { NotificationKind } from '../../../contracts/home.schema.ts';
import type { Boards } from '../../../contracts/play.api.ts';
import { api } from '../lib/http.ts';

export const getNotifications = (after?: number) =>
  api<NotificationsPage>(`/api/v1/notifications${after ? `?after=${after}` : ''}`);
export const markAllRead = () => api<Accepted>('/api/v1/notifications/read', { body: {} });
export const markRead = (id: string) => api<Accepted>('/api/v1/notifications/read', { body: { id } });
export const setMuted = (muted: NotificationKind[]) =>
  api<Accepted>('/api/v1/notifications/settings', { method: 'PUT', body: { muted } });
export const getFeed = () => api<HomeFeed>('/api/v1/feed');
/** Play's boards: Home shows this week's. */
export const getBoards = () => api<Boards>('/api/v1/play/leaderboards');
