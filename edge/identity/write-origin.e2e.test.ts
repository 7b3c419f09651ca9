// The identity facts the outbox triggers write (sign-up, profile, password) carry the address
// and user agent of the request that caused them, as commands' events do: in the metadata, in
// the audit viewer, never in a header. The origin lives only in its own transaction: a later
// write on the same pooled connection, from no request, carries none.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditPage } from '../../contracts/audit.api.ts';
import { eventually, identityEvents, PASSWORD, startTestHub, type TestHub } from '../../test/hub.ts';
import { type AuthDatabase, openAuthDatabase } from './db.ts';

const ADDRESS = '203.0.113.7';
const AGENT = 'HearthTest/1.0\t(e2e)';
const CLEANED_AGENT = 'HearthTest/1.0 (e2e)';

let t: TestHub;
let server: ReturnType<typeof serve>;
let base: string;
let userId: string;
let bobId: string;
const cookies = new Map<string, string>();

/** A browser behind a reverse proxy on this host: the socket is loopback, the client is ADDRESS. */
async function send(path: string, { method = 'GET', body }: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      'X-Forwarded-For': `198.51.100.99, ${ADDRESS}`,
      'User-Agent': AGENT,
      ...(method !== 'GET' && { Origin: t.origin }),
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
      ...(cookies.size > 0 && { Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  for (const line of res.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1).trim();
    if (!value || /max-age=0\b/i.test(line)) cookies.delete(pair.slice(0, eq).trim());
    else cookies.set(pair.slice(0, eq).trim(), value);
  }
  return res;
}

beforeAll(async () => {
  t = await startTestHub();
  server = serve({ fetch: t.hub.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signUp = await send('/api/auth/sign-up/email', {
    method: 'POST',
    body: { email: 'ann@family.test', password: PASSWORD, name: 'Ann' },
  });
  expect(signUp.status).toBe(200);
  userId = ((await signUp.json()) as { user: { id: string } }).user.id;
  const bob = t.client();
  expect((await bob.signUp({ email: 'bob@family.test', name: 'Bob' })).status).toBe(200);
  bobId = (await bob.me()).id;
  expect((await send('/api/v1/me', { method: 'PATCH', body: { name: 'Annie' } })).status).toBe(200);
  const changed = await send('/api/v1/me/password', {
    method: 'POST',
    body: { currentPassword: PASSWORD, newPassword: `${PASSWORD} 2` },
  });
  expect(changed.status).toBe(200);
}, 60_000);
afterAll(async () => {
  server?.close();
  await t?.stop();
});

const FACTS = ['userRegistered', 'profileUpdated', 'passwordChanged'] as const;

describe('an identity fact a trigger writes during a request', () => {
  it('carries the client address and the cleaned user agent in its metadata', async () => {
    const events = await eventually(async () => {
      const mine = (await identityEvents(t.hub)).filter((e) => e.subject.includes(userId));
      return FACTS.every((f) => mine.some((e) => e.case === f)) ? mine : undefined;
    });
    for (const fact of FACTS) {
      const event = events.find((e) => e.case === fact);
      expect(event?.metadata, fact).toMatchObject({ clientIp: ADDRESS, userAgent: CLEANED_AGENT });
    }
  });

  it('puts neither in a header', async () => {
    const { log } = t.hub.deps;
    const stream = log.names.stream('identity');
    const events = (await identityEvents(t.hub)).filter((e) => FACTS.some((f) => f === e.case));
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const { seq } of events) {
      const m = await log.jsm.direct.getMessage(stream, { seq });
      const headers = [...(m?.header?.keys() ?? [])].map((k) => m?.header?.get(k) ?? '').join('\n');
      expect(headers).not.toContain(ADDRESS);
      expect(headers).not.toContain('HearthTest');
    }
  });

  it('shows them in the audit viewer', async () => {
    for (const action of ['identity.UserRegistered', 'identity.ProfileUpdated', 'identity.PasswordChanged']) {
      const entry = await eventually(
        async () => {
          const res = await send(`/api/v1/audit/entries?action=${action}&actor=${userId}`);
          if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
          return ((await res.json()) as AuditPage).entries[0];
        },
        { what: action, timeoutMs: 15_000 },
      );
      expect(entry, action).toMatchObject({
        actor_id: userId,
        client_ip: ADDRESS,
        user_agent: CLEANED_AGENT,
      } satisfies Partial<AuditEntry>);
    }
  });
});

describe('a sign-in, a sign-out and a failed sign-in', () => {
  it('record the address and user agent in the outbox row itself', async () => {
    const rows = async (type: string) => {
      const { rows } = await t.hub.deps.pool.query<{ client_ip: string; user_agent: string }>(
        'SELECT client_ip, user_agent FROM auth.outbox WHERE type = $1 AND user_id = $2 ORDER BY id',
        [type, userId],
      );
      return rows;
    };
    const counts = {
      signedIn: (await rows('signedIn')).length,
      signedOut: (await rows('signedOut')).length,
      signInFailed: (await rows('signInFailed')).length,
    };
    expect((await send('/api/auth/sign-out', { method: 'POST', body: {} })).status).toBe(200);
    const wrong = await send('/api/auth/sign-in/email', {
      method: 'POST',
      body: { email: 'ann@family.test', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    const signedIn = await send('/api/auth/sign-in/email', {
      method: 'POST',
      body: { email: 'ann@family.test', password: `${PASSWORD} 2` },
    });
    expect(signedIn.status).toBe(200);
    for (const type of ['signedIn', 'signedOut', 'signInFailed'] as const) {
      const added = (await rows(type)).slice(counts[type]);
      expect(added, type).toEqual([{ client_ip: ADDRESS, user_agent: CLEANED_AGENT }]);
    }
  });
});

describe('a pooled connection after a request', () => {
  let authDb: AuthDatabase;
  beforeAll(async () => {
    // One connection: every statement below runs on the same one.
    authDb = await openAuthDatabase({
      databaseUrl: t.databaseUrl,
      logger: pino({ level: 'silent' }),
      max: 1,
    });
  });
  afterAll(() => authDb?.close());

  const rename = (name: string) =>
    authDb.db.updateTable('user').set({ name }).where('id', '=', userId).execute();
  const renameInTransaction = (name: string) =>
    authDb.db
      .transaction()
      .execute((trx) => trx.updateTable('user').set({ name }).where('id', '=', userId).execute());
  const backend = async () =>
    (await authDb.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;

  it('carries the origin only inside the request, in a transaction or not', async () => {
    const pid = await backend();
    const origin = { clientIp: '192.0.2.44', userAgent: 'Scoped/1' };
    await authDb.withOrigin(origin, () => rename('Scoped alone'));
    await authDb.withOrigin(origin, () => renameInTransaction('Scoped in a transaction'));
    await rename('Unscoped alone');
    await renameInTransaction('Unscoped in a transaction');
    expect(await backend()).toBe(pid);
    const { rows } = await authDb.pool.query<{ client_ip: string; user_agent: string }>(
      `SELECT client_ip, user_agent FROM auth.outbox
       WHERE user_id = $1 AND type = 'profileUpdated' ORDER BY id DESC LIMIT 4`,
      [userId],
    );
    expect(rows.reverse()).toEqual([
      { client_ip: '192.0.2.44', user_agent: 'Scoped/1' },
      { client_ip: '192.0.2.44', user_agent: 'Scoped/1' },
      { client_ip: '', user_agent: '' },
      { client_ip: '', user_agent: '' },
    ]);
    // Nothing of it is left on the session for whoever takes the connection next.
    const { rows: settings } = await authDb.pool.query<{ ip: string | null; agent: string | null }>(
      `SELECT current_setting('hearth.client_ip', true) AS ip, current_setting('hearth.user_agent', true) AS agent`,
    );
    expect(settings[0]?.ip ?? '').toBe('');
    expect(settings[0]?.agent ?? '').toBe('');
    expect(await backend()).toBe(pid);
  });

  it('puts an event with no origin on the log for the write from no request', async () => {
    await authDb.withOrigin({ clientIp: '192.0.2.45', userAgent: 'Scoped/2' }, () => rename('Logged scoped'));
    await rename('Logged unscoped');
    const named = (name: string) =>
      eventually(async () =>
        (await identityEvents(t.hub)).find(
          (e) => e.case === 'profileUpdated' && e.subject.includes(userId) && e.value.name === name,
        ),
      );
    expect((await named('Logged scoped')).metadata).toMatchObject({
      clientIp: '192.0.2.45',
      userAgent: 'Scoped/2',
    });
    expect((await named('Logged unscoped')).metadata).toMatchObject({ clientIp: '', userAgent: '' });
  });

  it('leaves the connection idle, in no transaction, after a write that fails inside a request', async () => {
    const pid = await backend();
    const origin = { clientIp: '192.0.2.46', userAgent: 'Failing/1' };
    // Ann's address taken by another row: the unique index refuses it, alone or in a transaction.
    const clash = () =>
      authDb.db.updateTable('user').set({ email: 'bob@family.test' }).where('id', '=', userId);
    await expect(authDb.withOrigin(origin, () => clash().execute())).rejects.toThrow();
    await expect(
      authDb.withOrigin(origin, () =>
        authDb.db.transaction().execute((trx) => trx.executeQuery(clash().compile())),
      ),
    ).rejects.toThrow();
    const { rows: states } = await t.hub.deps.pool.query<{ state: string }>(
      'SELECT state FROM pg_stat_activity WHERE pid = $1',
      [pid],
    );
    expect(states).toEqual([{ state: 'idle' }]);
    await rename('After the failure');
    const { rows } = await authDb.pool.query<{ client_ip: string; user_agent: string }>(
      `SELECT client_ip, user_agent FROM auth.outbox
       WHERE user_id = $1 AND type = 'profileUpdated' ORDER BY id DESC LIMIT 1`,
      [userId],
    );
    expect(rows).toEqual([{ client_ip: '', user_agent: '' }]);
    expect(await backend()).toBe(pid);
  });
});

describe('two requests at once on a pool of two', () => {
  let authDb: AuthDatabase;
  beforeAll(async () => {
    authDb = await openAuthDatabase({
      databaseUrl: t.databaseUrl,
      logger: pino({ level: 'silent' }),
      max: 2,
    });
  });
  afterAll(() => authDb?.close());

  it('record each its own origin', async () => {
    const ids = [userId, bobId];
    const origins = [
      { clientIp: '192.0.2.51', userAgent: 'First/1' },
      { clientIp: '192.0.2.52', userAgent: 'Second/1' },
    ];
    // Both transactions are open before either writes, so the scopes overlap on two connections.
    let arrived = 0;
    let release = () => {};
    const bothOpen = new Promise<void>((resolve) => {
      release = resolve;
    });
    await Promise.all(
      origins.map((origin, i) =>
        authDb.withOrigin(origin, () =>
          authDb.db.transaction().execute(async (trx) => {
            await trx
              .selectFrom('user')
              .select('id')
              .where('id', '=', ids[i] ?? '')
              .execute();
            arrived += 1;
            if (arrived === origins.length) release();
            await bothOpen;
            await trx
              .updateTable('user')
              .set({ name: `Overlap ${i}` })
              .where('id', '=', ids[i] ?? '')
              .execute();
          }),
        ),
      ),
    );
    for (const [i, origin] of origins.entries()) {
      const { rows } = await authDb.pool.query<{ client_ip: string; user_agent: string }>(
        `SELECT client_ip, user_agent FROM auth.outbox
         WHERE user_id = $1 AND type = 'profileUpdated' AND payload->>'name' = $2`,
        [ids[i], `Overlap ${i}`],
      );
      expect(rows).toEqual([{ client_ip: origin.clientIp, user_agent: origin.userAgent }]);
    }
  });
});
