// GET /api/v1/catalog over a whole hub: a member reads the catalogue with this deployment's
// stream names and the audit chain's public key, the same key admins get from
// /api/v1/audit/public-key; signed out, nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPublicKey } from '../../contracts/audit.api.ts';
import type { CatalogResponse } from '../../contracts/catalog.api.ts';
import { DOMAINS } from '../../contracts/subjects.ts';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let member: TestClient;

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  expect((await admin.signUp({ email: 'mum@family.test', name: 'Mum' })).status).toBe(200);
  member = t.client();
  expect((await member.signUp({ email: 'kid@family.test', name: 'Kid' })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('GET /api/v1/catalog', () => {
  it("answers a member with every stream of this deployment and the chain's public key", async () => {
    expect((await member.me()).role).toBe('member');
    const res = await member.request('/api/v1/catalog');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const catalog = (await res.json()) as CatalogResponse;

    const { names } = t.hub.deps.log;
    expect(catalog.streams.map((s) => [s.name, s.subjects])).toEqual(
      DOMAINS.map((d) => [names.stream(d), names.domainFilter(d)]),
    );
    const chat = catalog.envelopes.find((e) => e.domain === 'chat');
    const posted = chat?.events.find((e) => e.type_name === 'hearth.chat.v1.MessagePosted');
    expect(posted?.fields.find((f) => f.name === 'content')).toMatchObject({
      personal: true,
      audit_shown: false,
    });

    const key = await admin.request('/api/v1/audit/public-key');
    expect(key.status).toBe(200);
    const published = (await key.json()) as AuditPublicKey;
    expect(catalog.audit_public_key).toEqual(published);
    expect(published.key_id).toBe(t.hub.auditChain.key.keyId);
  });

  it('refuses a signed-out caller with the error envelope', async () => {
    const res = await t.client().request('/api/v1/catalog');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: expect.any(String), error: expect.any(String) });
  });
});
