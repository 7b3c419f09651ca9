// The authorisation matrix's rows (edge/authorization.e2e.test.ts): every /api/v1 route × {anonymous,
// child, member, admin, banned} → the status it must answer. A route missing here fails that test.
import { DEFAULT_RULES } from '../contracts/play.schema.ts';
import { PASSWORD } from './hub.ts';

export type Who = 'anonymous' | 'child' | 'member' | 'admin' | 'banned';
export type Row = {
  method: string;
  path: string;
  body?: unknown;
  admin: number;
  member?: number;
  child?: number;
  /** Whoever asks, signed in or not (routes that do not exist for anyone). */
  anyone?: number;
};

// Chat: everyone in the family reads and writes; only members and admins create channels.
// Unknown channels, messages and people answer 404 whatever the role, so these rows do not
// race the reactor that puts new accounts in the family channel.
const everyone = (status: number) => ({ admin: status, member: status, child: status });
const CHAT_ROWS: Row[] = [
  { method: 'POST', path: '/api/v1/ws-token', ...everyone(200) },
  { method: 'GET', path: '/api/v1/messages', ...everyone(400) },
  { method: 'POST', path: '/api/v1/messages', body: { channel: 'nosuch', content: 'x' }, ...everyone(404) },
  { method: 'GET', path: '/api/v1/presence', ...everyone(400) },
  { method: 'GET', path: '/api/v1/channels', ...everyone(200) },
  { method: 'POST', path: '/api/v1/channels', body: { name: 'Matrix' }, admin: 201, member: 201 },
  { method: 'POST', path: '/api/v1/dms', body: { user_id: 'nosuchuser' }, ...everyone(404) },
  { method: 'GET', path: '/api/v1/channels/nosuch', ...everyone(404) },
  { method: 'POST', path: '/api/v1/channels/nosuch/members', body: { user_id: 'x' }, ...everyone(404) },
  { method: 'DELETE', path: '/api/v1/channels/nosuch/members/x', ...everyone(404) },
  { method: 'POST', path: '/api/v1/channels/nosuch/archive', ...everyone(404) },
  { method: 'POST', path: '/api/v1/channels/nosuch/read', body: { seq: 1 }, ...everyone(404) },
  { method: 'PATCH', path: '/api/v1/channels/nosuch/messages/m1', body: { content: 'x' }, ...everyone(404) },
  { method: 'DELETE', path: '/api/v1/channels/nosuch/messages/m1', ...everyone(404) },
  { method: 'PUT', path: '/api/v1/channels/nosuch/messages/m1/reactions/x', ...everyone(404) },
  { method: 'DELETE', path: '/api/v1/channels/nosuch/messages/m1/reactions/x', ...everyone(404) },
  { method: 'GET', path: '/api/v1/mentions', ...everyone(200) },
];

// Play: everyone reads and plays; only admins manage (children cannot approve chores or
// create challenges). Unknown matches, chores and people answer 404 to whoever may ask.
const nobodies = [
  { user_id: 'nosuch1', place: 1 },
  { user_id: 'nosuch2', place: 2 },
];
const PLAY_ROWS: Row[] = [
  { method: 'GET', path: '/api/v1/play/me', ...everyone(200) },
  { method: 'GET', path: '/api/v1/play/members/nosuch', ...everyone(404) },
  { method: 'GET', path: '/api/v1/play/members/nosuch/xp', ...everyone(404) },
  { method: 'GET', path: '/api/v1/play/leaderboards', ...everyone(200) },
  { method: 'GET', path: '/api/v1/play/matches', ...everyone(200) },
  {
    method: 'POST',
    path: '/api/v1/play/matches',
    body: { game: 'Chess', placements: nobodies },
    ...everyone(404),
  },
  { method: 'POST', path: '/api/v1/play/matches/nosuch/confirm', ...everyone(404) },
  { method: 'POST', path: '/api/v1/play/matches/nosuch/reject', ...everyone(404) },
  { method: 'POST', path: '/api/v1/play/matches/nosuch/void', body: {}, admin: 404 },
  { method: 'GET', path: '/api/v1/play/challenges', ...everyone(200) },
  {
    method: 'POST',
    path: '/api/v1/play/challenges',
    body: { title: 'Matrix', metric: 'messages_sent', target: 5, reward_xp: 10 },
    admin: 201,
  },
  { method: 'POST', path: '/api/v1/play/challenges/nosuch/cancel', admin: 404 },
  { method: 'GET', path: '/api/v1/play/chores', ...everyone(200) },
  { method: 'POST', path: '/api/v1/play/chores', body: { title: 'Matrix', points: 5 }, admin: 201 },
  { method: 'POST', path: '/api/v1/play/chores/nosuch/retire', admin: 404 },
  { method: 'POST', path: '/api/v1/play/chores/nosuch/done', body: {}, ...everyone(404) },
  { method: 'POST', path: '/api/v1/play/chores/nosuch/completions/x/approve', admin: 404 },
  { method: 'POST', path: '/api/v1/play/chores/nosuch/completions/x/reject', body: {}, admin: 404 },
  { method: 'GET', path: '/api/v1/play/rules', ...everyone(200) },
  { method: 'POST', path: '/api/v1/play/rules/preview', body: { rules: DEFAULT_RULES }, admin: 200 },
  {
    method: 'PUT',
    path: '/api/v1/play/rules',
    body: { expected_version: 1, rules: DEFAULT_RULES },
    admin: 200,
  },
  { method: 'GET', path: '/api/v1/play/settings', ...everyone(200) },
  { method: 'PUT', path: '/api/v1/play/settings', body: { time_zone: 'UTC' }, admin: 200 },
];

// Home: everyone in the family has a notification centre and reads the feed.
const HOME_ROWS: Row[] = [
  { method: 'GET', path: '/api/v1/notifications', ...everyone(200) },
  { method: 'POST', path: '/api/v1/notifications/read', body: {}, ...everyone(200) },
  { method: 'PUT', path: '/api/v1/notifications/settings', body: { muted: [] }, ...everyone(200) },
  { method: 'GET', path: '/api/v1/feed', ...everyone(200) },
];

// Preferences: every member reads and changes their own (the session names them).
export const PREFERENCES_ROWS: Row[] = [
  { method: 'GET', path: '/api/v1/me/preferences', ...everyone(200) },
  {
    method: 'PATCH',
    path: '/api/v1/me/preferences',
    body: { theme: 'dark', muted_notifications: [] },
    ...everyone(200),
  },
];

// The assistant: every member asks it (no model server in this hub: 503 not_configured) and
// reads their own conversations; only admins read the children's transcripts and the usage.
const ASSISTANT_ROWS: Row[] = [
  { method: 'GET', path: '/api/v1/assistant/status', ...everyone(200) },
  { method: 'POST', path: '/api/v1/assistant/chat', body: { prompt: 'hello' }, ...everyone(503) },
  { method: 'GET', path: '/api/v1/assistant/conversations', ...everyone(200) },
  {
    method: 'GET',
    path: '/api/v1/assistant/conversations/00000000-0000-4000-8000-000000000000',
    ...everyone(404),
  },
  { method: 'GET', path: '/api/v1/admin/assistant/children', admin: 200, member: 403, child: 403 },
  { method: 'GET', path: '/api/v1/admin/assistant/usage', admin: 200, member: 403, child: 403 },
  { method: 'GET', path: '/api/v1/admin/assistant/settings', admin: 200, member: 403, child: 403 },
  {
    method: 'PUT',
    path: '/api/v1/admin/assistant/settings',
    // A stale version: refused after the permission check, so the matrix changes nothing.
    body: { expected_version: 99, allowed_models: [], quotas: [] },
    admin: 409,
    member: 403,
    child: 403,
  },
  // System prompts: admins only. Changes name a prompt that does not exist (404), or clear the
  // children's prompt (none is set: nothing is written).
  { method: 'GET', path: '/api/v1/admin/assistant/prompts', admin: 200, member: 403, child: 403 },
  {
    method: 'POST',
    path: '/api/v1/admin/assistant/prompts',
    body: { name: 'Matrix', text: 'Be kind.' },
    admin: 201,
    member: 403,
    child: 403,
  },
  {
    method: 'GET',
    path: '/api/v1/admin/assistant/prompts/00000000-0000-4000-8000-000000000000',
    admin: 404,
    member: 403,
    child: 403,
  },
  {
    method: 'PUT',
    path: '/api/v1/admin/assistant/prompts/00000000-0000-4000-8000-000000000000',
    body: { expected_version: 1, name: 'Matrix', text: 'Be kind.' },
    admin: 404,
    member: 403,
    child: 403,
  },
  {
    method: 'POST',
    path: '/api/v1/admin/assistant/prompts/00000000-0000-4000-8000-000000000000/remove',
    body: { expected_version: 1 },
    admin: 404,
    member: 403,
    child: 403,
  },
  {
    method: 'PUT',
    path: '/api/v1/admin/assistant/children-prompt',
    body: { prompt_id: null },
    admin: 200,
    member: 403,
    child: 403,
  },
];

// Media: everyone sees the family's photos and avatars; members and admins upload and make albums; children
// upload only when the family allows it (not by default: 403 children_may_not_upload). A JSON
// body is no upload (400 bad_multipart); unknown files and albums answer 404 to whoever may ask.
const MEDIA_ROWS: Row[] = [
  { method: 'POST', path: '/api/v1/upload', body: {}, admin: 400, member: 400 },
  { method: 'GET', path: '/api/v1/files/nosuch', ...everyone(404) },
  { method: 'GET', path: '/api/v1/files/nosuch/download', ...everyone(404) },
  { method: 'DELETE', path: '/api/v1/files/nosuch', ...everyone(404) },
  { method: 'GET', path: '/api/v1/media', ...everyone(200) },
  { method: 'GET', path: '/api/v1/media/status', ...everyone(200) },
  { method: 'GET', path: '/api/v1/media/settings', ...everyone(200) },
  { method: 'PUT', path: '/api/v1/media/settings', body: { strip_location: true }, admin: 200 },
  { method: 'GET', path: '/api/v1/albums', ...everyone(200) },
  { method: 'POST', path: '/api/v1/albums', body: { title: 'Summer' }, admin: 201, member: 201 },
  { method: 'GET', path: '/api/v1/albums/nosuch', ...everyone(404) },
  {
    method: 'POST',
    path: '/api/v1/albums/nosuch/files',
    body: { file_id: 'nosuch' },
    admin: 404,
    member: 404,
  },
  { method: 'DELETE', path: '/api/v1/albums/nosuch/files/nosuch', admin: 404, member: 404 },
];

// The audit log: admins only. An export must name its format (400 without it, once allowed).
const AUDIT_ROWS: Row[] = [
  { method: 'GET', path: '/api/v1/audit/entries', admin: 200 },
  { method: 'GET', path: '/api/v1/audit/export', admin: 400 },
  { method: 'GET', path: '/api/v1/audit/retention', admin: 200 },
];

// Real files, uploaded by the target (a member) in beforeAll: a photo, and a picture sent in a
// private chat with the member. The chat's picture is no file at all (404) to anyone outside
// it, a child or even an admin; a photo is deleted by its owner or an admin (who goes last).
export type Seeded = { photo: string; dm: string };
const FILE_ROWS = ({ photo, dm }: Seeded): Row[] => [
  { method: 'GET', path: `/api/v1/files/${dm}`, admin: 404, member: 200, child: 404 },
  { method: 'GET', path: `/api/v1/files/${dm}/download`, admin: 404, member: 200, child: 404 },
  { method: 'DELETE', path: `/api/v1/files/${photo}`, admin: 204, member: 403, child: 403 },
];

// Signed-in non-admins are refused admin routes (403); banned accounts have no session (401).
export const ROWS = (target: string, files: Seeded = { photo: 'nosuch', dm: 'nosuch' }): Row[] => [
  { method: 'GET', path: '/api/v1/me', admin: 200, member: 200, child: 200 },
  { method: 'GET', path: '/api/v1/me/permissions', admin: 200, member: 200, child: 200 },
  { method: 'PATCH', path: '/api/v1/me', body: { name: 'Renamed' }, admin: 200, member: 200, child: 200 },
  {
    method: 'POST',
    path: '/api/v1/me/password',
    body: { currentPassword: PASSWORD, newPassword: PASSWORD },
    admin: 200,
    member: 200,
    child: 200,
  },
  { method: 'GET', path: '/api/v1/people', admin: 200, member: 200, child: 200 },
  { method: 'GET', path: '/api/v1/admin/users', admin: 200 },
  { method: 'POST', path: `/api/v1/admin/users/${target}/role`, body: { role: 'member' }, admin: 200 },
  { method: 'POST', path: `/api/v1/admin/users/${target}/ban`, body: {}, admin: 200 },
  { method: 'POST', path: `/api/v1/admin/users/${target}/unban`, admin: 200 },
  { method: 'GET', path: `/api/v1/admin/users/${target}/sessions`, admin: 200 },
  { method: 'POST', path: `/api/v1/admin/users/${target}/sessions/nosuchsession/revoke`, admin: 404 },
  { method: 'POST', path: `/api/v1/admin/users/${target}/sessions/revoke`, admin: 200 },
  // Erasure is not undone: the matrix asks it of nobody, and the admin hears 404.
  {
    method: 'POST',
    path: '/api/v1/admin/members/nosuch/erase',
    body: { requestedBy: 'nosuch' },
    admin: 404,
  },
  { method: 'GET', path: '/api/v1/admin/read-models', admin: 200 },
  { method: 'POST', path: '/api/v1/admin/read-models/identity_users/rebuild', admin: 202 },
  { method: 'GET', path: '/api/v1/admin/read-models/identity_users/rebuild', admin: 200 },
  { method: 'GET', path: '/api/v1/admin/read-models/identity_users/rebuild/events', admin: 200 },
  // Nothing is rebuilding identity_family, so there is nothing to cancel.
  { method: 'POST', path: '/api/v1/admin/read-models/identity_family/rebuild/cancel', admin: 409 },
  { method: 'GET', path: '/api/v1/admin/dead-letters', admin: 200 },
  { method: 'POST', path: '/api/v1/admin/dead-letters/1/retry', admin: 404 },
  { method: 'POST', path: '/api/v1/admin/dead-letters/1/skip', admin: 404 },
  { method: 'GET', path: '/api/v1/admin/streams', admin: 200 },
  { method: 'GET', path: '/api/v1/audit/public-key', admin: 200 },
  { method: 'POST', path: '/api/v1/audit/verify', body: { stream: 'IDENTITY' }, admin: 200 },
  { method: 'POST', path: '/api/v1/audit/checkpoints', admin: 200 },
  { method: 'GET', path: '/api/v1/admin/streams/identity/events', admin: 200 },
  { method: 'GET', path: '/api/v1/admin/streams/identity/events?since=2026-01-01T00:00:00Z', admin: 200 },
  { method: 'GET', path: '/api/v1/admin/consumers', admin: 200 },
  { method: 'GET', path: '/api/v1/admin/aggregates', admin: 200 },
  { method: 'GET', path: '/api/v1/admin/aggregates/chat/channel/nosuch?at_seq=1', admin: 200 },
  { method: 'GET', path: '/api/v1/admin/read-models/identity_users/tables', admin: 200 },
  { method: 'GET', path: '/api/v1/admin/read-models/identity_users/rows', admin: 400 },
  { method: 'GET', path: '/api/v1/admin/read-models/identity_users/rows?table=users', admin: 200 },
  { method: 'GET', path: '/api/v1/admin/read-models/identity_users/lineage', admin: 400 },
  {
    method: 'GET',
    path: `/api/v1/admin/read-models/identity_users/lineage?table=users&key=${encodeURIComponent('["nosuch"]')}`,
    admin: 404,
  },
  { method: 'GET', path: '/api/v1/admin/invites', admin: 200 },
  { method: 'POST', path: '/api/v1/admin/invites', body: { role: 'member' }, admin: 201 },
  { method: 'POST', path: '/api/v1/admin/invites/nosuch/revoke', admin: 404 },
  { method: 'GET', path: '/api/v1/admin/keys', admin: 200 },
  { method: 'POST', path: '/api/v1/admin/keys', body: { name: 'Matrix', scopes: ['chat:read'] }, admin: 201 },
  { method: 'POST', path: '/api/v1/admin/keys/nosuchnosuch0000/revoke', admin: 404 },
  { method: 'GET', path: '/api/v1/admin/webhooks', admin: 200 },
  {
    method: 'POST',
    path: '/api/v1/admin/webhooks',
    body: { name: 'Matrix', url: 'http://127.0.0.1:9/hook', subjects: ['hearth.chat.>'] },
    // The subjects are of another namespace than the test hub's: refused after the permission.
    admin: 400,
  },
  {
    method: 'PUT',
    path: '/api/v1/admin/webhooks/nosuchnosuch0000',
    body: { name: 'Matrix', url: 'http://127.0.0.1:9/hook', subjects: ['hearth.chat.>'] },
    admin: 400,
  },
  { method: 'POST', path: '/api/v1/admin/webhooks/nosuchnosuch0000/remove', admin: 404 },
  { method: 'GET', path: '/api/v1/admin/webhooks/deliveries', admin: 200 },
  { method: 'POST', path: '/api/v1/admin/webhooks/deliveries/1/retry', admin: 404 },
  // An API key opens the feed, never a session (edge/integrators/feed.e2e.test.ts has the keys).
  { method: 'GET', path: '/api/v1/events', admin: 401, anyone: 401 },
  { method: 'GET', path: '/api/v1/family', admin: 200, member: 200, child: 200 },
  { method: 'GET', path: '/api/v1/catalog', admin: 200, member: 200, child: 200 },
  { method: 'GET', path: '/api/v1/admin/family', admin: 200 },
  { method: 'PUT', path: '/api/v1/admin/family', body: { name: 'The Matrix family' }, admin: 200 },
  // better-auth's own admin endpoints would bypass the log: they do not exist for anyone.
  {
    method: 'POST',
    path: '/api/auth/admin/set-role',
    body: { userId: target, role: 'admin' },
    admin: 404,
    anyone: 404,
  },
  { method: 'POST', path: '/api/auth/admin/ban-user', body: { userId: target }, admin: 404, anyone: 404 },
  ...CHAT_ROWS,
  ...PLAY_ROWS,
  ...HOME_ROWS,
  ...PREFERENCES_ROWS,
  ...ASSISTANT_ROWS,
  ...MEDIA_ROWS,
  ...AUDIT_ROWS,
  ...FILE_ROWS(files),
];
