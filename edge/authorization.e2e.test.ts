// Every /api/v1 route × {anonymous, child, member, admin, banned} → the status it must answer.
// A route missing from this table fails the test: nothing ships without its row.
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contracts/media.api.ts';
import { DEFAULT_RULES } from '../contracts/play.schema.ts';
import { AUTH_SCHEMA } from '../projectors/identity-access/reactor.ts';
import { type PrivateClamd, startClamd } from '../test/clamd.ts';
import { PASSWORD, startTestHub, type TestClient, type TestHub } from '../test/hub.ts';

type Who = 'anonymous' | 'child' | 'member' | 'admin' | 'banned';
type Row = {
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
const PREFERENCES_ROWS: Row[] = [
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
type Seeded = { photo: string; dm: string };
const FILE_ROWS = ({ photo, dm }: Seeded): Row[] => [
  { method: 'GET', path: `/api/v1/files/${dm}`, admin: 404, member: 200, child: 404 },
  { method: 'GET', path: `/api/v1/files/${dm}/download`, admin: 404, member: 200, child: 404 },
  { method: 'DELETE', path: `/api/v1/files/${photo}`, admin: 204, member: 403, child: 403 },
];

// Signed-in non-admins are refused admin routes (403); banned accounts have no session (401).
const ROWS = (target: string, files: Seeded = { photo: 'nosuch', dm: 'nosuch' }): Row[] => [
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

let t: TestHub;
let clamd: PrivateClamd;
const clients = {} as Record<Who, TestClient>;
/** Signed in with a role no release knows (a row written by hand, a downgrade): granted nothing. */
let stranger: TestClient;
let targetId: string;
let seeded: Seeded;

beforeAll(async () => {
  clamd = await startClamd();
  t = await startTestHub({ env: { CLAMD_URL: clamd.url } });
  clients.anonymous = t.client();
  clients.admin = t.client();
  await clients.admin.signUp({ email: 'admin@family.test' });
  for (const who of ['member', 'child', 'banned'] as const) {
    clients[who] = t.client();
    await clients[who].signUp({ email: `${who}@family.test` });
  }
  stranger = t.client();
  await stranger.signUp({ email: 'stranger@family.test' });
  const db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  try {
    await db.query(`UPDATE "${AUTH_SCHEMA}"."user" SET role = 'stranger' WHERE id = $1`, [
      (await stranger.me()).id,
    ]);
  } finally {
    await db.end();
  }
  // A session of its own, started after the change: the one from sign-up is kept in memory.
  stranger = t.client();
  expect((await stranger.signIn({ email: 'stranger@family.test' })).status).toBe(200);
  expect((await stranger.me()).role).toBe('stranger');
  const target = t.client();
  await target.signUp({ email: 'target@family.test' });
  targetId = (await target.me()).id;
  const childId = (await clients.child.me()).id;
  const bannedId = (await clients.banned.me()).id;
  expect(
    (await clients.admin.request(`/api/v1/admin/users/${childId}/role`, { body: { role: 'child' } })).status,
  ).toBe(200);
  expect(
    (await clients.admin.request(`/api/v1/admin/users/${bannedId}/ban`, { body: { reason: 'matrix' } }))
      .status,
  ).toBe(200);
  seeded = await seedFiles(target, (await clients.member.me()).id);
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await clamd?.stop();
});

/** The target's photo, and a picture the target sent the member in a private chat. */
async function seedFiles(target: TestClient, memberId: string): Promise<Seeded> {
  const upload = async (type: string) => {
    const form = new FormData();
    form.append('type', type);
    const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#8a4' } })
      .jpeg()
      .toBuffer();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), `${type}.jpg`);
    const cookie = [...target.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.hub.app.request(`${t.origin}/api/v1/upload`, {
      method: 'POST',
      headers: { 'X-Forwarded-For': target.ip, Origin: t.origin, Cookie: cookie },
      body: form,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const up = (await res.json()) as UploadResponse;
    expect((await target.request(`/api/v1/files/${up.id}?after=${up.seq}`)).status).toBe(200);
    return up.id;
  };
  const photo = await upload('photo');
  const dm = await upload('attachment');
  const opened = await target.request('/api/v1/dms', { body: { user_id: memberId } });
  const channel = ((await opened.json()) as { id: string }).id;
  const posted = await target.request('/api/v1/messages', {
    body: { channel, content: 'x', attachments: [dm] },
  });
  expect(posted.status, await posted.clone().text()).toBe(201);
  return { photo, dm };
}

const expected = (row: Row, who: Who): number => {
  if (row.anyone !== undefined) return row.anyone;
  if (who === 'anonymous' || who === 'banned') return 401;
  if (who === 'admin') return row.admin;
  return row[who] ?? 403;
};

describe('the authorisation matrix', () => {
  it('has a row for every /api/v1 route the app serves', () => {
    const served = new Set(
      t.hub.app.routes
        .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path}`),
    );
    const listed = ROWS('someone').map((r) => `${r.method} ${r.path}`);
    const missing = [...served].filter((route) => !listed.some((l) => matches(l, route)));
    expect(missing).toEqual([]);
  });

  for (const who of ['anonymous', 'child', 'member', 'banned', 'admin'] as const) {
    it(`answers ${who} as the table says, with the error envelope when refused`, async () => {
      for (const row of ROWS(targetId, seeded)) {
        const res = await clients[who].request(row.path, {
          method: row.method,
          ...(row.body !== undefined ? { body: row.body } : {}),
        });
        const want = expected(row, who);
        expect({ route: `${row.method} ${row.path}`, status: res.status }).toEqual({
          route: `${row.method} ${row.path}`,
          status: want,
        });
        if (want >= 400)
          expect(await res.json()).toMatchObject({ code: expect.any(String), error: expect.any(String) });
      }
    });
  }
});

// An unknown role is granted nothing: refused before its body is even read.
describe('an unknown role', () => {
  it('is refused every preferences and notification-settings route', async () => {
    const rows: Row[] = [
      ...PREFERENCES_ROWS,
      {
        method: 'PATCH',
        path: '/api/v1/me/preferences',
        body: { muted_notifications: ['mention'] },
        admin: 200,
      },
      { method: 'GET', path: '/api/v1/me/preferences?after=1&notifications_after=1', admin: 200 },
      { method: 'PUT', path: '/api/v1/notifications/settings', body: { muted: [] }, admin: 200 },
    ];
    for (const row of rows) {
      const res = await stranger.request(row.path, {
        method: row.method,
        ...(row.body !== undefined ? { body: row.body } : {}),
      });
      expect({ route: `${row.method} ${row.path}`, status: res.status }).toEqual({
        route: `${row.method} ${row.path}`,
        status: 403,
      });
      expect(await res.json()).toMatchObject({ code: 'forbidden' });
    }
  });
});

/** Does a concrete listed route match a served pattern like /admin/users/:id/role? */
function matches(listed: string, served: string): boolean {
  const [lm, lp = ''] = listed.split(' ');
  const [sm, sp = ''] = served.split(' ');
  if (lm !== sm) return false;
  const a = lp.split('/');
  const b = sp.split('/');
  return a.length === b.length && b.every((seg, i) => seg.startsWith(':') || seg === a[i]);
}
