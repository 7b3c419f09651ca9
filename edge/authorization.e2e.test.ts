// Every /api/v1 route × {anonymous, child, member, admin, banned} → the status it must answer.
// A route missing from this table fails the test: nothing ships without its row.
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contracts/media.api.ts';
import { AUTH_SCHEMA } from '../projectors/identity-access/reactor.ts';
import { PREFERENCES_ROWS, ROWS, type Row, type Seeded, type Who } from '../test/authorization-rows.ts';
import { type PrivateClamd, startClamd } from '../test/clamd.ts';
import { startTestHub, type TestClient, type TestHub } from '../test/hub.ts';

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
