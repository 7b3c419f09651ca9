import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNats } from '../../test/services.ts';
import { hashKey } from '../../writers/log/append.ts';
import { type Log, openLog } from '../../writers/log/open.ts';
import { createTokenStore, type TokenStore, WS_TOKEN_TTL_MS } from './tokens.ts';

let nats: Awaited<ReturnType<typeof testNats>>;
let log: Log;
let edgeA: TokenStore;
let edgeB: TokenStore;
const claims = { userId: 'ann', sessionId: 's1', actorId: 'ann', role: 'member' };

beforeAll(async () => {
  nats = await testNats();
  log = await openLog({ nc: nats.nc, names: nats.names });
  edgeA = await createTokenStore({ log });
  edgeB = await createTokenStore({ log });
});
afterAll(() => nats.cleanup());

describe('ws tokens', () => {
  it('carry the session they were issued for, once', async () => {
    const { token, expiresAt } = await edgeA.issue(claims);
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(WS_TOKEN_TTL_MS);
    expect(await edgeB.consume(token)).toMatchObject(claims);
    expect(await edgeA.consume(token)).toBeNull();
    expect(await edgeB.consume(token)).toBeNull();
  });

  it('are spent by exactly one of many edges racing for them', async () => {
    const { token } = await edgeA.issue(claims);
    const results = await Promise.all([edgeA, edgeB, edgeA, edgeB].map((e) => e.consume(token)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('are refused once older than 60 seconds, even before the bucket sweeps them', async () => {
    const { token } = await edgeA.issue(claims);
    const kv = await new Kvm(log.js).open(log.names.kvBucket('ws_tokens'));
    const key = hashKey(token);
    const entry = await kv.get(key);
    const stale = { ...entry?.json<object>(), issuedAt: Date.now() - WS_TOKEN_TTL_MS - 1 };
    await kv.put(key, JSON.stringify(stale));
    expect(await edgeA.consume(token)).toBeNull();
  });

  it('refuse anything that is not a token they issued', async () => {
    for (const bad of [
      undefined,
      null,
      '',
      'short',
      'x'.repeat(43),
      '../../etc/passwd',
      'a.b.c'.padEnd(43, 'x'),
    ])
      expect(await edgeA.consume(bad)).toBeNull();
  });
});
