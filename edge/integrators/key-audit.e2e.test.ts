// What the feed leaves on the audit log and what it refuses: a key's uses on the AUDIT stream
// (and in the audit viewer), coalesced per key and minute; a network that keeps presenting
// wrong keys refused (429) before another lookup, the refusal recorded; a key that expires
// while its feed is open closes the feed and opens nothing after.
import { randomUUID } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../contracts/audit.api.ts';
import { AuditEventSchema, RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import type { ApiKeyMade } from '../../contracts/integrators.api.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { sseReader } from '../../test/sse.ts';
import { newApiKey } from '../../writers/identity/api-key.ts';
import { createIdentityWriter } from '../../writers/identity/commands.ts';
import { FEED_ACTION } from './events.routes.ts';

const FAILURES = 3;
let t: TestHub;
let admin: TestClient;
let chatRoot: string;

const feed = (key: string, ip: string) =>
  t.hub.app.request(`${t.origin}/api/v1/events?subjects=${encodeURIComponent(chatRoot)}`, {
    headers: { Authorization: `Bearer ${key}`, 'X-Forwarded-For': ip },
  });

/** Every event of one case on the hub's AUDIT stream (test streams are small). */
async function auditEvents<C extends string>(kind: C) {
  const { log } = t.hub.deps;
  const stream = log.names.stream('audit');
  const { state } = await log.jsm.streams.info(stream);
  const out: { value: Record<string, unknown>; clientIp: string }[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await log.jsm.direct.getMessage(stream, { seq });
    if (!m) continue;
    const envelope = fromBinary(AuditEventSchema, m.data);
    if (envelope.event.case !== kind) continue;
    out.push({
      value: envelope.event.value as unknown as Record<string, unknown>,
      clientIp: envelope.metadata?.clientIp ?? '',
    });
  }
  return out;
}

beforeAll(async () => {
  t = await startTestHub({
    integrators: { heartbeatMs: 200, failedKeys: { points: FAILURES, windowMs: 60_000 } },
    env: { HEARTH_COMMAND_RATE_LIMIT: '10000' },
  });
  admin = t.client();
  expect((await admin.signUp({ email: 'mum@family.test', name: 'Mum' })).status).toBe(200);
  chatRoot = t.hub.deps.log.names.domainFilter('chat');
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('a key’s uses', () => {
  it('land on the AUDIT stream and in the audit viewer, coalesced per key and minute', async () => {
    const res = await admin.request('/api/v1/admin/keys', { body: { name: 'Uses', scopes: ['chat:read'] } });
    const made = (await res.json()) as ApiKeyMade;
    for (let i = 0; i < 3; i++) {
      const opened = await feed(made.key, '10.9.0.1');
      expect(opened.status).toBe(200);
      await sseReader(opened).cancel();
    }
    await t.hub.integrators.flushUses();
    const uses = await eventually(
      async () => {
        const found = (await auditEvents('apiKeyUsed')).filter((u) => u.value.keyId === made.id);
        const total = found.reduce((n, u) => n + Number(u.value.count), 0);
        return total >= 3 ? found : undefined;
      },
      { what: 'the key’s uses on the AUDIT stream' },
    );
    // The first at once, the minute's others as one event (two, if a minute ended between them).
    expect(uses.length).toBeGreaterThanOrEqual(2);
    expect(uses.length).toBeLessThanOrEqual(3);
    expect(uses[0]?.value).toMatchObject({ action: FEED_ACTION, status: 200, count: 1 });
    expect(uses[0]?.clientIp).toBe('10.9.0.1');
    const entries = await eventually(
      async () => {
        const r = await admin.request('/api/v1/audit/entries?action=audit.ApiKeyUsed');
        const body = (await r.json()) as { entries: AuditEntry[] };
        const mine = body.entries.filter((e) => JSON.stringify(e).includes(made.id));
        return mine.reduce((n, e) => n + e.count, 0) >= 3 ? mine : undefined;
      },
      { what: 'the key’s uses in the audit viewer' },
    );
    expect(entries.length).toBe(uses.length);
    expect(entries[0]).toMatchObject({ stream: 'AUDIT', action: 'audit.ApiKeyUsed' });
  });
});

describe('wrong keys', () => {
  it('from one network are refused with 429 past the budget and recorded; other networks are not', async () => {
    const wrong = newApiKey().key;
    for (let i = 0; i < FAILURES; i++) expect((await feed(wrong, '10.9.1.1')).status).toBe(401);
    const refused = await feed(wrong, '10.9.1.1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toMatch(/^[0-9]+$/);
    expect(await refused.json()).toMatchObject({ code: 'rate_limited' });
    // A good key from there waits too: the budget is the network's, not the key's.
    const res = await admin.request('/api/v1/admin/keys', { body: { name: 'Good', scopes: ['chat:read'] } });
    const { key } = (await res.json()) as ApiKeyMade;
    expect((await feed(key, '10.9.1.1')).status).toBe(429);
    expect((await feed(wrong, '10.9.1.2')).status).toBe(401);
    const ok = await feed(key, '10.9.1.3');
    expect(ok.status).toBe(200);
    await sseReader(ok).cancel();
    await t.hub.refusals.flush();
    const recorded = await eventually(
      async () => {
        const found = (await auditEvents('attemptRefused')).filter((r) => r.clientIp === '10.9.1.1');
        return found.reduce((n, r) => n + Number(r.value.count), 0) >= 2 ? found : undefined;
      },
      { what: 'the refusals on the AUDIT stream' },
    );
    expect(recorded[0]?.value).toMatchObject({
      kind: RefusalKind.RATE_LIMITED,
      action: FEED_ACTION,
      code: 'rate_limited',
    });
  });
});

describe('a key that expires', () => {
  it('closes its open feed at expiry and is refused after', async () => {
    const { keyId, secretHash, key } = newApiKey();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 3000);
    const writer = createIdentityWriter({ appender: t.hub.deps.appender });
    const id = randomUUID();
    await writer.issueApiKey(
      { keyId, name: 'Brief', scopes: ['chat:read'], expiresAt, secretHash },
      { commandId: id, correlationId: id, actorId: (await admin.me()).id, now, retryable: false },
    );
    const opened = await feed(key, '10.9.2.1');
    expect(opened.status).toBe(200);
    const reader = sseReader(opened);
    // Nothing is appended to chat: only the expiry can end this stream.
    while ((await reader.next()) !== null);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
    const after = await feed(key, '10.9.2.1');
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ code: 'integrators.key_invalid' });
  }, 30_000);
});
