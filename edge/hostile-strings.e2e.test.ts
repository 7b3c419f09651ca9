// The log's boundary: a string a read model cannot store (NUL, an unpaired surrogate) is
// refused in every field of every command — body, path parameter, socket frame — with the
// field named, and nothing reaches the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CommandRoute,
  clientFrames,
  commandRoutes,
  missingCommandRoutes,
  pathOf,
  stringLeaves,
  withLeaf,
} from '../test/command-routes.ts';
import { appendedSince, type Heads, serveHub, settledHeads, spoil, UNSTORABLE } from '../test/hostile.ts';
import { PASSWORD, startTestHub, type TestClient, type TestHub } from '../test/hub.ts';
import { openSocket, type Socket } from '../test/sockets.ts';

let t: TestHub;
let admin: TestClient;
let targetId: string;
let server: Awaited<ReturnType<typeof serveHub>>;
let ws: Socket;
let heads: Heads;
let rows: CommandRoute[];

beforeAll(async () => {
  // Hundreds of refused commands from one person: the rate limit is not what this tests.
  t = await startTestHub({
    identity: { allowedEmailDomains: ['family.test'] },
    env: { HEARTH_COMMAND_RATE_LIMIT: '100000' },
  });
  admin = t.client();
  await admin.signUp({ email: 'admin@family.test' });
  const target = t.client();
  await target.signUp({ email: 'target@family.test' });
  targetId = (await target.me()).id;
  rows = commandRoutes({ user: targetId, password: PASSWORD });
  server = await serveHub(t.hub);
  const { token } = (await (await admin.request('/api/v1/ws-token', { method: 'POST' })).json()) as {
    token: string;
  };
  ws = await openSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`);
  heads = await settledHeads(t.hub);
}, 60_000);

afterAll(async () => {
  await ws?.close();
  await server?.close();
  await t?.stop();
});

const send = (
  row: CommandRoute,
  { body = row.body, raw = {} }: { body?: unknown; raw?: Record<string, string> },
) => admin.request(pathOf(row, raw), { method: row.method, ...(body !== undefined && { body }) });

async function expectRefused(res: Response, field: string, what: string) {
  const body = (await res.json()) as { code?: string; details?: { field?: string } };
  expect({ what, status: res.status, code: body.code, field: body.details?.field }).toEqual({
    what,
    status: 400,
    code: 'invalid_request',
    field,
  });
}

describe('the command table', () => {
  it('has a row for every state-changing route the app serves under /api/v1, and no other', () => {
    expect(missingCommandRoutes(t.hub.app, rows)).toEqual([]);
    const served = new Set(t.hub.app.routes.map((r) => `${r.method} ${r.path}`));
    expect(rows.map((r) => `${r.method} ${r.route}`).filter((r) => !served.has(r))).toEqual([]);
  });
});

describe('a command over HTTP', () => {
  it.each(commandRoutes({ user: 'u', password: 'p' }).map((r) => [`${r.method} ${r.route}`, r] as const))(
    '%s refuses an unstorable string in any field or parameter, naming it',
    async (_name, shape) => {
      const row = rows.find((r) => r.method === shape.method && r.route === shape.route) as CommandRoute;
      for (const { name, char, escaped } of UNSTORABLE) {
        for (const leaf of stringLeaves(row.body)) {
          const res = await send(row, { body: withLeaf(row.body, leaf.path, spoil(leaf.value, char)) });
          await expectRefused(res, leaf.path, `${name} in ${leaf.path}`);
        }
        for (const [param, value] of Object.entries(row.params)) {
          const res = await send(row, { raw: { [param]: `${encodeURIComponent(value)}${escaped}` } });
          await expectRefused(res, param, `${name} in :${param}`);
        }
        if (row.schema) {
          const body = { ...(row.body as object), [`x${char}`]: 'y' };
          const res = await send(row, { body });
          expect({ name, status: res.status }).toEqual({ name, status: 400 });
        }
      }
    },
  );
});

describe('a frame over the socket', () => {
  const frames = clientFrames({ channel: 'family', message: 'm1', user: 'u1' });

  /** Sends a frame and returns the error frame it was answered with. */
  const refusal = async (frame: object) => {
    const from = ws.frames.length;
    ws.send(frame);
    return ws.waitFor((f) => f.type === 'error' && ws.frames.indexOf(f) >= from);
  };

  it.each(frames.map((f) => [f.type, f] as const))(
    '%s refuses an unstorable string in any field or key, naming it',
    async (_type, { frame }) => {
      for (const { name, char } of UNSTORABLE) {
        for (const leaf of stringLeaves(frame)) {
          const error = await refusal(withLeaf(frame, leaf.path, spoil(leaf.value, char)));
          const code = leaf.path === 'type' ? 'unknown_frame_type' : 'invalid_request';
          expect({ name, field: leaf.path, code: error.code }).toEqual({ name, field: leaf.path, code });
          if (code === 'invalid_request') expect(error.message).toContain(`'${leaf.path}'`);
        }
        const extra = await refusal({ ...frame, note: spoil('a note', char) });
        expect({ name, code: extra.code, message: extra.message }).toEqual({
          name,
          code: 'invalid_request',
          message: expect.stringContaining("'note'"),
        });
        const key = await refusal({ ...frame, [`x${char}`]: 1 });
        expect({ name, code: key.code }).toEqual({ name, code: 'invalid_request' });
      }
    },
  );
});

// Found by the hostile-input fuzz (edge/hostile-input.e2e.test.ts): each once answered 5xx.
const FOUND: { what: string; method: string; path: string; body?: unknown; status: number; code: string }[] =
  [
    {
      what: 'a challenge week that matches YYYY-MM-DD but is no date',
      method: 'POST',
      path: '/api/v1/play/challenges',
      body: { title: 'x', week: '2855-66-05', metric: 'messages_sent', target: 1, reward_xp: 1 },
      status: 400,
      code: 'play.invalid_week',
    },
  ];

// Frames the fuzz found, as raw text: each once threw in the socket's message handler.
const deepType = (depth: number) => `{"type":${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}}`;
const FOUND_FRAMES: { what: string; text: string; code: string }[] = [
  {
    what: 'a frame type nested deeper than JSON.stringify can go',
    text: deepType(10_000),
    code: 'unknown_frame_type',
  },
];

describe('signing up, outside /api/v1', () => {
  const signUp = (name: string, email = 'newcomer@family.test') =>
    t.client().request('/api/auth/sign-up/email', { body: { email, password: PASSWORD, name } });

  it.each(UNSTORABLE.map((u) => [u.name, u.char] as const))('refuses %s in the name', async (_name, char) => {
    const res = await signUp(spoil('Newcomer', char));
    expect({ status: res.status, body: await res.json() }).toMatchObject({
      status: 400,
      // The boundary in front of every /api/auth route answers first, as /api/v1's does.
      body: { code: 'invalid_request', error: expect.stringContaining("'name'"), details: { field: 'name' } },
    });
  });

  it('refuses a name longer than a profile may hold (the family reactor once parked its line)', async () => {
    const res = await signUp('x'.repeat(101));
    expect({ status: res.status, body: await res.json() }).toMatchObject({
      status: 400,
      body: { code: 'identity.name_too_long' },
    });
  });
});

describe('the cases the fuzz found', () => {
  it.each(FOUND_FRAMES.map((f) => [f.what, f] as const))(
    '%s is answered with an error frame',
    async (_what, f) => {
      const from = ws.frames.length;
      ws.send(f.text);
      const error = await ws.waitFor((x) => x.type === 'error' && ws.frames.indexOf(x) >= from);
      expect(error.code).toBe(f.code);
    },
  );

  it.each(FOUND.map((f) => [f.what, f] as const))('%s is refused with the envelope', async (_what, f) => {
    const res = await admin.request(f.path, { method: f.method, body: f.body });
    expect({ status: res.status, body: await res.json() }).toMatchObject({
      status: f.status,
      body: { code: f.code, error: expect.any(String) },
    });
  });
});

describe('after every refusal', () => {
  it('the log holds nothing more, and the hub still answers', async () => {
    expect(await appendedSince(t.hub, heads)).toEqual([]);
    expect((await admin.request('/health')).status).toBe(200);
    const from = ws.frames.length;
    ws.send({ type: 'ping' });
    await ws.waitFor((f) => f.type === 'pong' && ws.frames.indexOf(f) >= from);
  });
});
