// What operators and browsers rely on: liveness, readiness, metrics, request ids, headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from '../test/hub.ts';

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub();
  await t.client().signUp({ email: 'ops@family.test' });
});
afterAll(async () => {
  await t?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  t.hub.app.request(`${t.origin}${path}`, { headers });

describe('health and readiness', () => {
  it('answers liveness without touching any service', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when NATS, Postgres and the read models answer', async () => {
    const res = await get('/ready');
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({
      ready: true,
      checks: { nats: { ok: true }, postgres: { ok: true }, projectors: { ok: true } },
    });
  });
});

describe('metrics', () => {
  it('exposes request durations, events appended by type, projector lag and dead letters', async () => {
    const text = await eventually(async () => {
      const body = await (await get('/metrics')).text();
      return body.includes('hearth_events_appended_total{type="hearth.identity.v1.UserRegistered"} 1')
        ? body
        : undefined;
    });
    expect(text).toMatch(/hearth_http_request_duration_seconds_bucket\{.*route="\/health".*status="200"/);
    const of = (name: string) =>
      new RegExp(`${name}\\{read_model="identity_users",kind="read_model"\\} (\\d+)`);
    expect(text).toMatch(of('hearth_projector_lag_events'));
    expect(text).toMatch(of('hearth_projector_last_seq'));
    expect(text.match(of('hearth_dead_letters'))?.[1]).toBe('0');
  });
});

describe('every response', () => {
  it('carries a request id, echoing a sane one the client sent', async () => {
    expect((await get('/health', { 'X-Request-ID': 'trace-me-42' })).headers.get('X-Request-ID')).toBe(
      'trace-me-42',
    );
    const generated = (await get('/health', { 'X-Request-ID': 'bad id with spaces' })).headers.get(
      'X-Request-ID',
    );
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('forbids framing and allows WebSockets to self in the CSP', async () => {
    const res = await get('/health');
    expect(res.headers.get('X-Frame-Options')).toBe('DENY');
    expect(res.headers.get('Content-Security-Policy')).toContain("connect-src 'self' ws: wss:");
    expect(res.headers.get('Strict-Transport-Security')).toBeNull();
  });

  it('adds HSTS when served over TLS', async () => {
    const res = await get('/health', { 'X-Forwarded-Proto': 'https' });
    expect(res.headers.get('Strict-Transport-Security')).toContain('max-age=');
  });
});
