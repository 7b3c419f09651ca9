// Hostile input on every read: each GET route the hub serves under /api/, found in the app
// itself, gets hostile path parameters and hostile query strings (NUL, invalid UTF-8, a lone
// surrogate, 5,000 characters, Object.prototype's names, huge and negative numbers, repeated
// parameters) for every parameter name the contracts' query schemas declare, from an admin (who
// passes every permission check and so reaches the handlers) and from a child. None may answer
// 5xx, every 4xx carries the envelope, and the hub still answers afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestClient, type TestHub } from '../test/hub.ts';
import { HOSTILE_VALUES, pathWith, type QueryRoute, queryNames, queryRoutes } from '../test/query-routes.ts';

let t: TestHub;
let admin: TestClient;
let child: TestClient;
let routes: QueryRoute[];
let names: string[];

beforeAll(async () => {
  t = await startTestHub({
    identity: { allowedEmailDomains: ['family.test'] },
    env: { HEARTH_COMMAND_RATE_LIMIT: '1000000', HEARTH_AUTH_RATE_LIMIT: 'off' },
  });
  admin = t.client();
  await admin.signUp({ email: 'admin@family.test' });
  child = t.client();
  await child.signUp({ email: 'child@family.test' });
  const childId = (await child.me()).id;
  const res = await admin.request(`/api/v1/admin/users/${childId}/role`, { body: { role: 'child' } });
  expect(res.status).toBe(200);
  routes = queryRoutes(t.hub.app);
  names = await queryNames();
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

type Problem = { url: string; who: string; status: number; body: string };

/** Sends one read; answers what is wrong with its answer, if anything. */
async function check(client: TestClient, who: string, url: string): Promise<Problem | undefined> {
  const res = await client.request(url);
  if (res.status < 400) {
    // A feed or a download streams: what it would send is not the question.
    await res.body?.cancel();
    return undefined;
  }
  const text = await res.text();
  if (res.status >= 500) return { url, who, status: res.status, body: text.slice(0, 200) };
  try {
    const body = JSON.parse(text) as { error?: unknown; code?: unknown };
    if (typeof body.error === 'string' && typeof body.code === 'string') return undefined;
  } catch {
    // not JSON: reported below
  }
  return { url, who, status: res.status, body: text.slice(0, 200) };
}

/** The hostile path parameters of a route, each value in each parameter. */
const paramUrls = (r: QueryRoute) =>
  r.params.flatMap((param) => HOSTILE_VALUES.map((v) => pathWith(r, param, v.escaped)));

/** Hostile query strings for a route: three values a name (in turn, so every value is used), a repeat, prototype names. */
const queryUrls = (r: QueryRoute) => {
  const base = pathWith(r, undefined, '');
  const urls = names.flatMap((name, i) => [
    ...[0, 1, 2].map(
      (j) => `${base}?${name}=${HOSTILE_VALUES[(i * 3 + j) % HOSTILE_VALUES.length]?.escaped}`,
    ),
    `${base}?${name}=1&${name}=2`,
  ]);
  urls.push(`${base}?__proto__=x&constructor=x&prototype=x`, `${base}?${'a'.repeat(5000)}=1`);
  return urls;
};

async function sweep(client: TestClient, who: string, urls: string[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const url of urls) {
    const problem = await check(client, who, url);
    if (problem) problems.push(problem);
  }
  return problems;
}

describe('hostile reads', () => {
  it('finds the reads and the query parameters it walks', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(names).toEqual(expect.arrayContaining(['after', 'limit']));
  });

  it('an admin: no hostile path parameter answers 5xx, every refusal has the envelope', async () => {
    const problems = await sweep(admin, 'admin', routes.flatMap(paramUrls));
    expect(problems).toEqual([]);
  }, 180_000);

  it('an admin: no hostile query string answers 5xx, every refusal has the envelope', async () => {
    const problems = await sweep(admin, 'admin', routes.flatMap(queryUrls));
    expect(problems).toEqual([]);
  }, 300_000);

  it('a child: the same path parameters and a hostile query on every read', async () => {
    const urls = routes.flatMap((r) => [
      ...paramUrls(r),
      `${pathWith(r, undefined, '')}?${names.map((n) => `${n}=%00`).join('&')}`,
    ]);
    const problems = await sweep(child, 'child', urls);
    expect(problems).toEqual([]);
  }, 180_000);

  it('the hub still answers afterwards', async () => {
    expect((await t.hub.app.request(`${t.origin}/health`)).status).toBe(200);
    expect((await admin.request('/api/v1/me')).status).toBe(200);
  });
});
