// A sealed event whose key this process cannot find is not dropped from the feed: after looking
// again a few times it goes out with its personal fields withheld, so the feed has no gap.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityEventSchema } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { PublicEvent } from '../../contracts/integrators.api.ts';
import { publishIdentity, registered } from '../../test/events.ts';
import { NATS_URL, testNats } from '../../test/services.ts';
import { connectLog } from '../../writers/log/connect.ts';
import { encode, eventHeaders } from '../../writers/log/encode.ts';
import type { Log } from '../../writers/log/open.ts';
import { runFeed } from './feed.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;

beforeAll(async () => {
  services = await testNats();
  log = await connectLog({ servers: NATS_URL, namespace: services.prefix, name: 'feed-keys-test' });
  await publishIdentity(log, registered('known'));
  // Sealed under a key in no bucket: as if made by another process that never stored it.
  const stray = { id: `stray${randomBytes(4).toString('hex')}`, key: new Uint8Array(randomBytes(32)) };
  const event = registered('stray');
  const meta = { actorId: 'stray', correlationId: 'test', now: new Date() };
  await log.js.publish(
    log.names.identity.account('stray'),
    encode(IdentityEventSchema, event, meta, { sealingKey: () => stray }),
    { headers: eventHeaders(event, meta) },
  );
  await publishIdentity(log, registered('after'));
});
afterAll(async () => {
  await log.nc.drain();
  await services.cleanup();
});

describe('a feed meeting a key it cannot find', () => {
  it('sends the event withheld, in its place, and goes on', async () => {
    const events: PublicEvent[] = [];
    await runFeed({
      log,
      logger: pino({ level: 'silent' }),
      domain: 'identity',
      filters: [log.names.domainFilter('identity')],
      startSeq: 1,
      feed: { keyId: 'k', close: () => undefined, buffered: 0 },
      canOpen: async () => true,
      write: async (chunk) => {
        for (const m of chunk.matchAll(/^data: (.*)$/gm)) events.push(JSON.parse(m[1] ?? '') as PublicEvent);
      },
      ended: () => events.length >= 3,
      options: { batch: 8, maxBytes: 64 * 1024, heartbeatMs: 200 },
    });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events.map((e) => e.personal)).toEqual(['open', 'sealed', 'open']);
    expect(events[1]?.payload).toMatchObject({ userId: 'stray' });
    expect(JSON.stringify(events[1]?.payload)).not.toContain('@');
  });
});
