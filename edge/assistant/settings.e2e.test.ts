// The assistant's settings read back after a save: GET ?after=<seq> waits for the save, a save
// its read model has not applied yet answers 202 (and the read 503), and hostile ?after= values
// are refused with the envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'admin@family.test' });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('the settings read back after a save', () => {
  const settingsOf = async (query = '') => admin.request(`/api/v1/admin/assistant/settings${query}`);

  it('wait for the save’s seq; a save the read model has not applied yet answers 202, its read 503', async () => {
    const { version } = (await (await settingsOf()).json()) as { version: number };
    const runner = t.hub.deps.projectors;
    const waitFor = runner.waitFor;
    runner.waitFor = async () => false; // as a read model far behind would
    let seq: number;
    try {
      const lagging = await admin.request('/api/v1/admin/assistant/settings', {
        method: 'PUT',
        body: { expected_version: version, allowed_models: [], quotas: [] },
      });
      expect(lagging.status).toBe(202);
      ({ seq } = (await lagging.json()) as { seq: number });
      const behind = await settingsOf(`?after=${seq}`);
      expect(behind.status).toBe(503);
      expect(await behind.json()).toMatchObject({ code: 'not_caught_up', error: expect.any(String) });
    } finally {
      runner.waitFor = waitFor;
    }
    const read = await settingsOf(`?after=${seq}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ version: version + 1, allowed_models: [], quotas: [] });
  });

  it('refuse a hostile ?after= with 400 in the envelope', async () => {
    for (const query of [
      '?after=%00',
      '?after=%ED%A0%80',
      `?after=${'1'.repeat(5000)}`,
      '?after=__proto__',
      '?after=-1',
      '?after=x&after=1',
    ]) {
      const res = await settingsOf(query);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_request', details: { field: 'after' } });
    }
    // Repeated, the first counts; unknown parameters are no filter and change nothing.
    expect((await settingsOf('?after=1&after=x')).status).toBe(200);
    expect((await settingsOf('?__proto__=1')).status).toBe(200);
  });
});
