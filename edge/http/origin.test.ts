import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { HubEnv } from './context.ts';
import { onError } from './errors.ts';
import { provenanceCheck, trustedOriginsOnly } from './origin.ts';

const HUB = 'https://hearth.family.test';
const DEV = 'http://localhost:5173';

function app() {
  const app = new Hono<HubEnv>();
  app.onError(onError);
  app.use('/api/*', trustedOriginsOnly([`${HUB}/`, DEV]));
  app.all('/api/thing', (c) => c.json({ done: true }));
  return app;
}

const send = (method: string, headers: Record<string, string> = {}) =>
  app().request('/api/thing', { method, headers });

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

describe('a state-changing request with an Origin', () => {
  it.each(WRITES)('%s goes through from a trusted origin', async (method) => {
    expect((await send(method, { Origin: HUB })).status).toBe(200);
    expect((await send(method, { Origin: DEV })).status).toBe(200);
  });

  it.each(WRITES)('%s is refused with 403 forbidden_origin from any other origin', async (method) => {
    for (const origin of [
      'https://evil.test',
      'https://hearth.family.test:8443',
      'http://hearth.family.test',
      'https://sub.hearth.family.test',
      'null',
      '',
    ]) {
      const res = await send(method, { Origin: origin });
      expect(res.status, origin).toBe(403);
      expect(await res.json()).toEqual({ error: expect.any(String), code: 'forbidden_origin' });
    }
  });

  it('is judged by its Origin, whatever Sec-Fetch-Site says', async () => {
    expect((await send('POST', { Origin: DEV, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(200);
    expect(
      (await send('POST', { Origin: 'https://evil.test', 'Sec-Fetch-Site': 'same-origin' })).status,
    ).toBe(403);
  });
});

describe('a state-changing request without an Origin', () => {
  it.each(['same-origin', 'none'])('goes through when Sec-Fetch-Site is %s', async (site) => {
    for (const method of WRITES) expect((await send(method, { 'Sec-Fetch-Site': site })).status).toBe(200);
  });

  it.each(['same-site', 'cross-site', 'nonsense'])('is refused when Sec-Fetch-Site is %s', async (site) => {
    for (const method of WRITES) {
      const res = await send(method, { 'Sec-Fetch-Site': site });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'forbidden_origin' });
    }
  });

  it('goes through with neither header: not a browser, judged by its credentials alone', async () => {
    for (const method of WRITES) expect((await send(method)).status).toBe(200);
  });
});

describe('a request that changes nothing', () => {
  it.each(['GET', 'HEAD', 'OPTIONS'])('%s is not judged by where it comes from', async (method) => {
    const res = await send(method, { Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' });
    expect(res.status).toBe(200);
  });
});

describe('judging provenance', () => {
  it('compares origins as the browser writes them', () => {
    const allowed = provenanceCheck(['https://Hearth.Family.test:443/path']);
    expect(allowed({ origin: 'https://hearth.family.test', secFetchSite: undefined })).toBe(true);
    expect(allowed({ origin: 'https://hearth.family.test.evil.test', secFetchSite: undefined })).toBe(false);
  });
});
