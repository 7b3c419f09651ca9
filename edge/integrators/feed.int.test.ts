// The feed asks whether a reader may open a subject's personal fields once per subject and
// batch, and takes a plain answer as it takes a promised one, in the log's order.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicEvent } from '../../contracts/integrators.api.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { NATS_URL, testNats } from '../../test/services.ts';
import { connectLog } from '../../writers/log/connect.ts';
import type { Log } from '../../writers/log/open.ts';
import { runFeed } from './feed.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;

beforeAll(async () => {
  services = await testNats();
  log = await connectLog({ servers: NATS_URL, namespace: services.prefix, name: 'feed-open-test' });
  for (const user of ['plain', 'promised', 'plain', 'promised', 'plain', 'promised'])
    await publishIdentity(log, signedIn(user));
});
afterAll(async () => {
  await log.nc.drain();
  await services.cleanup();
});

describe('a feed asking what a reader may open', () => {
  it('opens by a plain answer, withholds by a promised one, once per subject and batch', async () => {
    const events: PublicEvent[] = [];
    const asked = new Map<string, number>();
    const plain = log.names.identity.sessions('plain');
    await runFeed({
      log,
      logger: pino({ level: 'silent' }),
      domain: 'identity',
      filters: [log.names.domainFilter('identity')],
      startSeq: 1,
      feed: { keyId: 'k', close: () => undefined, buffered: 0 },
      canOpen: (subject) => {
        asked.set(subject, (asked.get(subject) ?? 0) + 1);
        return subject === plain ? true : Promise.resolve(false);
      },
      write: async (chunk) => {
        for (const m of chunk.matchAll(/^data: (.*)$/gm)) events.push(JSON.parse(m[1] ?? '') as PublicEvent);
      },
      ended: () => events.length >= 6,
      options: { batch: 16, maxBytes: 64 * 1024, heartbeatMs: 200 },
    });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.map((e) => e.payload.userId)).toEqual([
      'plain',
      'promised',
      'plain',
      'promised',
      'plain',
      'promised',
    ]);
    expect(events.map((e) => e.personal)).toEqual(['clear', 'sealed', 'clear', 'sealed', 'clear', 'sealed']);
    expect(events.map((e) => e.payload.ipAddress ?? '')).toEqual([
      '127.0.0.1',
      '',
      '127.0.0.1',
      '',
      '127.0.0.1',
      '',
    ]);
    // Six events in one batch (two at most, should the server split them): two or four asks.
    expect([...asked.values()].every((n) => n <= 2)).toBe(true);
  });
});
