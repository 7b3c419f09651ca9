// HEARTH_ROLE splits one hub into the processes a cluster scales apart: edges serve people and
// lead no read model; a projectors process runs the read models and reactors and answers only
// /health, /ready and /metrics. Together, on one log and one database, they are one hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestClient, type TestHub } from '../test/hub.ts';
import { NATS_URL, uniquePrefix } from '../test/services.ts';

let projectors: TestHub;
let edge: TestHub;
let ann: TestClient;

beforeAll(async () => {
  const prefix = uniquePrefix();
  projectors = await startTestHub({ prefix, env: { HEARTH_ROLE: 'projectors' } });
  edge = await startTestHub({
    prefix,
    natsUrl: NATS_URL,
    databaseUrl: projectors.databaseUrl,
    env: { HEARTH_ROLE: 'edge' },
  });
  ann = edge.client();
  expect((await ann.signUp({ email: 'ann@family.test' })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await edge?.stop();
  await projectors?.stop();
});

describe('an edge', () => {
  it('serves people while the projectors process keeps the read models', async () => {
    // The family channel: made by a reactor, read from a read model, neither run by the edge.
    await eventually(async () => {
      const res = await ann.request('/api/v1/channels');
      const channels = res.ok ? ((await res.json()) as { id: string }[]) : [];
      return channels.some((c) => c.id === 'family') || undefined;
    });
    const status = await edge.hub.deps.projectors.status();
    expect(status.filter((p) => p.leader)).toEqual([]);
  });
});

describe('a projectors process', () => {
  it('leads every read model and reactor', async () => {
    const status = await eventually(async () => {
      const all = await projectors.hub.deps.projectors.status();
      return all.every((p) => p.leader) ? all : undefined;
    });
    expect(status.some((p) => p.reactor)).toBe(true);
  });

  it('answers health, readiness and metrics, and no one’s API', async () => {
    const get = (path: string) => projectors.hub.app.request(`${projectors.origin}${path}`);
    expect((await get('/health')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(200);
    expect([200, 503]).toContain((await get('/ready')).status);
    expect((await get('/api/v1/channels')).status).toBe(404);
    expect((await get('/api/auth/get-session')).status).toBe(404);
    expect((await get('/')).status).toBe(404);
  });
});
