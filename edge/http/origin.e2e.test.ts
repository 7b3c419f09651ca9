// Forged requests over a real server: a page on another origin cannot use the admin's cookie,
// on the API, on better-auth's routes or on the socket; a client that is not a browser stands
// on its credentials; a cookie set over TLS through a trusted proxy is Secure; and a member
// who spent their command budget can still reconnect their socket.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PASSWORD, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let server: Server;
let url: string;
let admin: TestClient;
let bob: TestClient;
let cyId = '';

beforeAll(async () => {
  t = await startTestHub();
  server = serve({ fetch: t.hub.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  t.hub.attach(server);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  admin = t.client();
  await admin.signUp({ email: 'mum@family.test', name: 'Mum' });
  bob = t.client();
  await bob.signUp({ email: 'bob@family.test', name: 'Bob' });
  const cy = t.client();
  await cy.signUp({ email: 'cy@family.test', name: 'Cy' });
  cyId = (await cy.me()).id;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await t?.stop();
});

const cookieOf = (who: TestClient) => [...who.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** A request with exactly these headers and the person's cookie: nothing added. */
const raw = (
  who: TestClient,
  path: string,
  { method = 'POST', headers = {} as Record<string, string> } = {},
) => t.hub.app.request(`${t.origin}${path}`, { method, headers: { Cookie: cookieOf(who), ...headers } });

const bannedNow = async () => {
  const users = (await (await admin.request('/api/v1/admin/users')).json()) as {
    id: string;
    banned: boolean;
  }[];
  return users.find((u) => u.id === cyId)?.banned;
};

describe("a page on another origin using the admin's cookie", () => {
  beforeAll(async () => {
    expect((await admin.request(`/api/v1/admin/users/${cyId}/ban`, { body: {} })).status).toBe(200);
  });

  it('cannot unban anyone: 403 forbidden_origin, and nothing changes', async () => {
    // Same site, another port: SameSite=Lax lets the cookie ride along.
    const forged: Record<string, string>[] = [
      { Origin: 'http://localhost:3001' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'same-site' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of forged) {
      const res = await raw(admin, `/api/v1/admin/users/${cyId}/unban`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.json()).toEqual({ error: expect.any(String), code: 'forbidden_origin' });
    }
    expect(await bannedNow()).toBe(true);
  });

  it("cannot use better-auth's routes either, and gets the same envelope", async () => {
    const res = await raw(admin, '/api/auth/sign-out', { headers: { Origin: 'https://evil.test' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: expect.any(String), code: 'forbidden_origin' });
    expect((await admin.me()).email).toBe('mum@family.test');
  });

  it('does not reach sign-up or sign-in', async () => {
    for (const path of ['/api/auth/sign-up/email', '/api/auth/sign-in/email']) {
      const res = await t.hub.app.request(`${t.origin}${path}`, {
        method: 'POST',
        headers: { Origin: 'https://evil.test', 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'eve@family.test', password: PASSWORD, name: 'Eve' }),
      });
      expect(res.status, path).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'forbidden_origin' });
    }
  });

  it('still lets the hub’s own page do it', async () => {
    const res = await raw(admin, `/api/v1/admin/users/${cyId}/unban`, {
      headers: { Origin: t.origin, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(res.status).toBe(200);
    expect(await bannedNow()).toBe(false);
  });
});

describe('a client that is not a browser (no Origin, no Sec-Fetch-Site)', () => {
  it('is judged by its cookie alone', async () => {
    expect((await raw(bob, '/api/v1/ws-token')).status).toBe(200);
    expect((await raw(t.client(), '/api/v1/ws-token')).status).toBe(401);
  });
});

/** Opens /ws with these headers: the upgrade's status, and the refusal's body if any. */
function upgrade(token: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?token=${token}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101, body: '' });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (err) => {
      if (!String(err.message).includes('Unexpected server response')) reject(err);
    });
  });
}

describe('the socket upgrade', () => {
  const ticket = async () =>
    ((await (await bob.request('/api/v1/ws-token', { method: 'POST' })).json()) as { token: string }).token;

  it('refuses a page on another origin with 403 before spending the ticket', async () => {
    const token = await ticket();
    const forged: Record<string, string>[] = [
      { Origin: 'https://evil.test' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of forged) {
      const refused = await upgrade(token, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(refused.body)).toEqual({ error: expect.any(String), code: 'forbidden_origin' });
    }
    expect((await upgrade(token, { Origin: t.origin })).status).toBe(101);
  });

  it('opens for a client that sends no Origin, on its ticket alone', async () => {
    expect((await upgrade(await ticket(), {})).status).toBe(101);
  });
});

describe('the session cookie', () => {
  const signIn = async (headers: Record<string, string>) =>
    fetch(`${url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { Origin: t.origin, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ email: 'bob@family.test', password: PASSWORD }),
    });
  const sessionCookie = (res: Response) =>
    res.headers.getSetCookie().find((c) => c.includes('session_token=')) ?? '';

  it('is Secure when a trusted proxy says the request came over https', async () => {
    const res = await signIn({ 'X-Forwarded-Proto': 'https' });
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toMatch(/;\s*Secure/i);
  });

  it('is not when the request came over plain http', async () => {
    const res = await signIn({});
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).not.toMatch(/;\s*Secure/i);
  });
});

describe('a member who spent their command budget', () => {
  it('can still ask for a socket ticket', async () => {
    const spender = t.client();
    await spender.signUp({ email: 'busy@family.test', name: 'Busy' });
    const { limit } = t.hub.deps.config.commandRateLimit;
    let status = 0;
    for (let i = 0; i <= limit && status !== 429; i++) {
      status = (await spender.request('/api/v1/no-such-command', { method: 'POST' })).status;
    }
    expect(status).toBe(429);
    expect((await spender.request('/api/v1/messages', { body: {} })).status).toBe(429);
    expect((await spender.request('/api/v1/ws-token', { method: 'POST' })).status).toBe(200);
  });
});

describe('with an https public URL', () => {
  let secure: TestHub;
  beforeAll(async () => {
    secure = await startTestHub({ identity: { baseURL: 'https://hearth.family.test' } });
  });
  afterAll(async () => {
    await secure?.stop();
  });

  it('the session cookie is Secure on every request', async () => {
    const res = await secure.client().signUp({ email: 'ann@family.test', name: 'Ann' });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.includes('session_token=')) ?? '';
    expect(cookie).toMatch(/;\s*Secure/i);
  });
});
