// Every command the hub takes, once: each state-changing route under /api/v1 with a valid
// body and the JSON Schema that body is checked against, and each socket frame a client may
// send. Tests of the boundary walk this table; a served route missing from it fails them.

import { rebuildStartBody } from '../contracts/admin.schema.ts';
import {
  assistantSettingsBody,
  chatBody,
  childrenPromptBody,
  createPromptBody,
  removePromptBody,
  savePromptBody,
} from '../contracts/assistant.schema.ts';
import { verifyBody } from '../contracts/audit-chain.schema.ts';
import {
  CLIENT_FRAME_TYPES,
  type ClientFrameType,
  clientFrameSchemas,
  createChannelBody,
  editMessageBody,
  markReadBody,
  postMessageBody,
  userBody,
} from '../contracts/chat.schema.ts';
import { markNotificationsReadBody, notificationSettingsBody } from '../contracts/home.schema.ts';
import {
  banBody,
  changePasswordBody,
  createInviteBody,
  eraseMemberBody,
  familyBody,
  setRoleBody,
  updateProfileBody,
} from '../contracts/identity.schema.ts';
import { issueKeyBody, webhookBody } from '../contracts/integrators.schema.ts';
import { albumFileBody, createAlbumBody, mediaSettingsBody } from '../contracts/media.schema.ts';
import {
  approveCompletionBody,
  createChallengeBody,
  DEFAULT_RULES,
  defineChoreBody,
  markDoneBody,
  previewRulesBody,
  publishRulesBody,
  reasonBody,
  rejectCompletionBody,
  reportMatchBody,
  settingsBody,
} from '../contracts/play.schema.ts';
import { preferencesPatchBody } from '../contracts/preferences.schema.ts';

export type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const COMMAND_METHODS: readonly Method[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

export type CommandRoute = {
  method: Method;
  /** As the app registers it, parameters included: /api/v1/channels/:id/members. */
  route: string;
  /** A value for each parameter of the route. */
  params: Record<string, string>;
  /** A body the schema accepts, every optional field filled in. */
  body?: unknown;
  /** The JSON Schema the route checks its body against. */
  schema?: object;
};

/** Values the rows use; the ids need not exist (the boundary comes before any lookup). */
export type RouteValues = { user: string; password: string };

const row = (
  method: Method,
  route: string,
  rest: { params?: Record<string, string>; body?: unknown; schema?: object } = {},
): CommandRoute => ({ method, route, params: rest.params ?? {}, body: rest.body, schema: rest.schema });

export function commandRoutes({ user, password }: RouteValues): CommandRoute[] {
  const ch = { id: 'nosuch' };
  const msg = { channel: 'nosuch', message: 'm1' };
  const chore = { chore_id: 'nosuch' };
  const completion = { chore_id: 'nosuch', completion_id: 'c1' };
  return [
    // chat
    row('POST', '/api/v1/ws-token'),
    row('POST', '/api/v1/messages', {
      body: {
        channel: 'nosuch',
        content: 'hello',
        id: 'm1',
        reply_to: 'm0',
        mentions: [user],
        attachments: ['nosuchfile'],
      },
      schema: postMessageBody,
    }),
    row('POST', '/api/v1/channels', { body: { name: 'Matrix', members: [user] }, schema: createChannelBody }),
    row('POST', '/api/v1/dms', { body: { user_id: user }, schema: userBody }),
    row('POST', '/api/v1/channels/:id/members', { params: ch, body: { user_id: user }, schema: userBody }),
    row('DELETE', '/api/v1/channels/:id/members/:userId', { params: { ...ch, userId: user } }),
    row('POST', '/api/v1/channels/:id/archive', { params: ch }),
    row('POST', '/api/v1/channels/:id/read', { params: ch, body: { seq: 1 }, schema: markReadBody }),
    row('PATCH', '/api/v1/channels/:channel/messages/:message', {
      params: msg,
      body: { content: 'hello', mentions: [user] },
      schema: editMessageBody,
    }),
    row('DELETE', '/api/v1/channels/:channel/messages/:message', { params: msg }),
    row('PUT', '/api/v1/channels/:channel/messages/:message/reactions/:emoji', {
      params: { ...msg, emoji: '👍' },
    }),
    row('DELETE', '/api/v1/channels/:channel/messages/:message/reactions/:emoji', {
      params: { ...msg, emoji: '👍' },
    }),
    // identity
    row('PATCH', '/api/v1/me', {
      body: { name: 'Renamed', image: 'https://example.org/me.png' },
      schema: updateProfileBody,
    }),
    row('POST', '/api/v1/me/password', {
      body: { currentPassword: password, newPassword: password, revokeOtherSessions: false },
      schema: changePasswordBody,
    }),
    row('POST', '/api/v1/admin/users/:id/role', {
      params: { id: user },
      body: { role: 'member' },
      schema: setRoleBody,
    }),
    row('POST', '/api/v1/admin/users/:id/ban', {
      params: { id: user },
      body: { reason: 'matrix', expiresAt: '2099-01-01T00:00:00Z' },
      schema: banBody,
    }),
    row('POST', '/api/v1/admin/users/:id/unban', { params: { id: user } }),
    row('POST', '/api/v1/admin/users/:id/sessions/:sessionId/revoke', {
      params: { id: user, sessionId: 'nosuchsession' },
    }),
    row('POST', '/api/v1/admin/users/:id/sessions/revoke', { params: { id: user } }),
    row('POST', '/api/v1/admin/members/:id/erase', {
      params: { id: 'nosuch' },
      body: { requestedBy: 'nosuch', requestedAtMs: 1_700_000_000_000 },
      schema: eraseMemberBody,
    }),
    row('POST', '/api/v1/admin/invites', {
      body: { role: 'member', expiresIn: '7d', uses: 2 },
      schema: createInviteBody,
    }),
    row('POST', '/api/v1/admin/invites/:id/revoke', { params: { id: 'nosuch' } }),
    row('POST', '/api/v1/admin/keys', {
      body: { name: 'Home automation', scopes: ['chat:read', 'play:read'], expiresInDays: 30 },
      schema: issueKeyBody,
    }),
    row('POST', '/api/v1/admin/keys/:id/revoke', { params: { id: 'nosuchnosuch0000' } }),
    row('POST', '/api/v1/admin/webhooks', {
      body: {
        name: 'Home automation',
        url: 'http://127.0.0.1:9/hook',
        subjects: ['hearth.chat.>'],
        secret: 'a-secret-of-16-chars-or-more',
      },
      schema: webhookBody,
    }),
    row('PUT', '/api/v1/admin/webhooks/:id', {
      params: { id: 'nosuchnosuch0000' },
      body: {
        name: 'Home automation',
        url: 'https://example.org/hook',
        subjects: ['hearth.play.>'],
        secret: 'a-secret-of-16-chars-or-more',
      },
      schema: webhookBody,
    }),
    row('POST', '/api/v1/admin/webhooks/:id/remove', { params: { id: 'nosuchnosuch0000' } }),
    row('POST', '/api/v1/admin/webhooks/deliveries/:id/retry', { params: { id: '1' } }),
    row('PUT', '/api/v1/admin/family', {
      body: { name: 'The Examples', signUp: { mode: 'domains', domains: ['example.com'] } },
      schema: familyBody,
    }),
    row('POST', '/api/v1/admin/read-models/:name/rebuild', {
      params: { name: 'nosuch' },
      body: { acceptDifferences: false },
      schema: rebuildStartBody,
    }),
    row('POST', '/api/v1/admin/read-models/:name/rebuild/cancel', { params: { name: 'nosuch' } }),
    row('POST', '/api/v1/admin/dead-letters/:id/retry', { params: { id: '1' } }),
    row('POST', '/api/v1/admin/dead-letters/:id/skip', { params: { id: '1' } }),
    // audit
    row('POST', '/api/v1/audit/verify', { body: { stream: 'CHAT', from_seq: 1 }, schema: verifyBody }),
    row('POST', '/api/v1/audit/checkpoints'),
    // play
    row('POST', '/api/v1/play/matches', {
      body: {
        id: 'x1',
        game: 'Chess',
        placements: [
          { user_id: user, place: 1 },
          { user_id: 'nosuch2', place: 2 },
        ],
      },
      schema: reportMatchBody,
    }),
    row('POST', '/api/v1/play/matches/:match_id/confirm', { params: { match_id: 'nosuch' } }),
    row('POST', '/api/v1/play/matches/:match_id/reject', { params: { match_id: 'nosuch' } }),
    row('POST', '/api/v1/play/matches/:match_id/void', {
      params: { match_id: 'nosuch' },
      body: { reason: 'typo' },
      schema: reasonBody,
    }),
    row('POST', '/api/v1/play/challenges', {
      body: {
        id: 'x1',
        title: 'Matrix',
        week: '2030-01-07',
        metric: 'messages_sent',
        target: 5,
        reward_xp: 10,
        member_ids: [user],
      },
      schema: createChallengeBody,
    }),
    row('POST', '/api/v1/play/challenges/:challenge_id/cancel', { params: { challenge_id: 'nosuch' } }),
    row('POST', '/api/v1/play/chores', {
      body: { id: 'x1', title: 'Matrix', points: 5, recurrence: 'weekly' },
      schema: defineChoreBody,
    }),
    row('POST', '/api/v1/play/chores/:chore_id/retire', { params: chore }),
    row('POST', '/api/v1/play/chores/:chore_id/done', {
      params: chore,
      body: { photo_id: 'p1', note: 'done' },
      schema: markDoneBody,
    }),
    row('POST', '/api/v1/play/chores/:chore_id/completions/:completion_id/approve', {
      params: completion,
      body: { member_id: user },
      schema: approveCompletionBody,
    }),
    row('POST', '/api/v1/play/chores/:chore_id/completions/:completion_id/reject', {
      params: completion,
      body: { member_id: user, reason: 'not yet' },
      schema: rejectCompletionBody,
    }),
    // home
    row('POST', '/api/v1/notifications/read', {
      body: { id: 'chat:1:someone' },
      schema: markNotificationsReadBody,
    }),
    row('PUT', '/api/v1/notifications/settings', {
      body: { muted: ['mention'] },
      schema: notificationSettingsBody,
    }),
    // preferences
    row('PATCH', '/api/v1/me/preferences', {
      body: {
        theme: 'dark',
        language: 'de',
        time_zone: 'Europe/Berlin',
        assistant_model: 'llama3.1:8b',
        assistant_prompt: 'Be brief.',
        muted_notifications: ['joined'],
      },
      schema: preferencesPatchBody,
    }),
    // assistant (no model server in the suites' hubs: a valid prompt is refused before anything is written)
    row('POST', '/api/v1/assistant/chat', { body: { prompt: 'Say hello' }, schema: chatBody }),
    row('PUT', '/api/v1/admin/assistant/settings', {
      body: {
        expected_version: 0,
        allowed_models: [{ role: 'child', models: ['llama3.2'] }],
        quotas: [{ member_id: user, tokens_per_day: 100000, requests_per_minute: 100 }],
      },
      schema: assistantSettingsBody,
    }),
    row('POST', '/api/v1/admin/assistant/prompts', {
      body: { name: 'Kind', text: 'Be kind.' },
      schema: createPromptBody,
    }),
    row('PUT', '/api/v1/admin/assistant/prompts/:id', {
      params: { id: '00000000-0000-4000-8000-000000000000' },
      body: { expected_version: 1, name: 'Kind', text: 'Be kind.' },
      schema: savePromptBody,
    }),
    row('POST', '/api/v1/admin/assistant/prompts/:id/remove', {
      params: { id: '00000000-0000-4000-8000-000000000000' },
      body: { expected_version: 1 },
      schema: removePromptBody,
    }),
    row('PUT', '/api/v1/admin/assistant/children-prompt', {
      body: { prompt_id: '00000000-0000-4000-8000-000000000000' },
      schema: childrenPromptBody,
    }),
    row('POST', '/api/v1/play/rules/preview', { body: { rules: DEFAULT_RULES }, schema: previewRulesBody }),
    row('PUT', '/api/v1/play/rules', {
      body: { expected_version: 1, rules: DEFAULT_RULES },
      schema: publishRulesBody,
    }),
    row('PUT', '/api/v1/play/settings', {
      body: { time_zone: 'UTC', hidden_member_ids: [user] },
      schema: settingsBody,
    }),
    // media (the upload is multipart, not JSON: a JSON body is refused as bad multipart)
    row('POST', '/api/v1/upload'),
    row('DELETE', '/api/v1/files/:id', { params: { id: 'nosuch' } }),
    row('PUT', '/api/v1/media/settings', {
      body: { children_may_upload: false, strip_location: true },
      schema: mediaSettingsBody,
    }),
    row('POST', '/api/v1/albums', { body: { title: 'Summer' }, schema: createAlbumBody }),
    row('POST', '/api/v1/albums/:id/files', {
      params: { id: 'nosuch' },
      body: { file_id: 'nosuch' },
      schema: albumFileBody,
    }),
    row('DELETE', '/api/v1/albums/:id/files/:fileId', { params: { id: 'nosuch', fileId: 'nosuch' } }),
  ];
}

/** The concrete path of a row, with its parameters (or the given raw, already escaped ones). */
export function pathOf(r: CommandRoute, raw: Record<string, string> = {}): string {
  return r.route.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    if (raw[name] !== undefined) return raw[name];
    return encodeURIComponent(r.params[name] ?? '');
  });
}

/** The state-changing routes an app serves under /api/v1 that the table has no row for. */
export function missingCommandRoutes(
  app: { routes: { method: string; path: string }[] },
  rows: CommandRoute[],
): string[] {
  const listed = new Set(rows.map((r) => `${r.method} ${r.route}`));
  const served = app.routes
    .filter((r) => r.path.startsWith('/api/v1/') && (COMMAND_METHODS as string[]).includes(r.method))
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(served)].filter((route) => !listed.has(route));
}

export type FrameRow = { type: ClientFrameType; frame: Record<string, unknown>; schema: object };

/** One valid frame of each type a client may send, every optional field filled in. */
export function clientFrames({ channel, message, user }: { channel: string; message: string; user: string }) {
  const frames: Record<ClientFrameType, Record<string, unknown>> = {
    message: {
      type: 'message',
      channel,
      content: 'hello',
      id: 'f1',
      reply_to: message,
      mentions: [user],
      attachments: ['nosuchfile'],
      ref: 'r1',
    },
    typing: { type: 'typing', channel, typing: true },
    join: { type: 'join', channel, after_seq: 0 },
    leave: { type: 'leave', channel },
    ping: { type: 'ping' },
    read: { type: 'read', channel, seq: 1 },
    edit: { type: 'edit', channel, id: message, content: 'hello', mentions: [user], ref: 'r2' },
    delete: { type: 'delete', channel, id: message, ref: 'r3' },
    react: { type: 'react', channel, id: message, emoji: '👍', on: true, ref: 'r4' },
  };
  return CLIENT_FRAME_TYPES.map(
    (type): FrameRow => ({ type, frame: frames[type], schema: clientFrameSchemas[type] }),
  );
}

/** Every string in a value, with its dotted path (as the hub names fields). */
export function stringLeaves(value: unknown, path = ''): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, path ? `${path}.${k}` : k));
}

/** A copy of `value` with the string at `path` replaced. */
export function withLeaf<T>(value: T, path: string, leaf: string): T {
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys.at(-1) as string] = leaf;
  return copy as T;
}
