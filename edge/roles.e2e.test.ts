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
  // A scanner is configured (nothing answers there): only an edge, which takes uploads, asks it.
  projectors = await startTestHub({
    prefix,
    env: { HEARTH_ROLE: 'projectors', CLAMD_URL: 'tcp://127.0.0.1:9', HEARTH_AUDIT_VERIFY_INTERVAL: '1' },
  });
  edge = await startTestHub({
    prefix,
    natsUrl: NATS_URL,
    databaseUrl: projectors.databaseUrl,
    // Any lag would fail a projectors process's /ready; an edge's leaves lag out.
    env: { HEARTH_ROLE: 'edge', HEARTH_READY_MAX_LAG: '0' },
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
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^hearth_dependency_up\{dependency="postgres"\} 1$/m);
    expect(text).not.toMatch(/dependency="clamd"/);
    expect([200, 503]).toContain((await get('/ready')).status);
    expect((await get('/api/v1/channels')).status).toBe(404);
    expect((await get('/api/auth/get-session')).status).toBe(404);
    expect((await get('/')).status).toBe(404);
  });

  it('verifies the audit chains on its schedule, for the alert to read', async () => {
    const text = await eventually(async () => {
      const body = await (await projectors.hub.app.request(`${projectors.origin}/metrics`)).text();
      return /^hearth_audit_scheduled_verification_failed\{stream="CHAT"\} 0$/m.test(body) ? body : undefined;
    });
    expect(text).not.toMatch(/^hearth_audit_scheduled_verification_failed\{.*\} 1$/m);
    const edgeText = await (await edge.hub.app.request(`${edge.origin}/metrics`)).text();
    expect(edgeText).not.toMatch(/^hearth_audit_scheduled_verification_failed\{/m);
  });
});

describe('an edge without a projectors process', () => {
  it('stays ready while the read models fall behind', async () => {
    // The projectors process stops following the log (its database stays, for the edge).
    await projectors.hub.deps.projectors.stop();
    // Appended; its answer waits for the read model in vain (503), which is not what is tested.
    await ann.request('/api/v1/messages', {
      method: 'POST',
      body: { channel: 'family', content: 'nobody applies this yet' },
    });
    const status = await eventually(async () => {
      const all = await edge.hub.deps.projectors.status();
      return all.some((p) => p.lag > 0) ? all : undefined;
    });
    expect(status.some((p) => p.lag > 0)).toBe(true);
    const ready = await edge.hub.app.request(`${edge.origin}/ready`);
    expect(ready.status).toBe(200);
  });
});
