// Time travel's bounds: a history longer than the cap is refused with a 422 rather than folded
// for minutes, and a client that left stops the fold.
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import { RoleChangedSchema } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, registered } from '../../test/events.ts';
import { NATS_URL, testNats } from '../../test/services.ts';
import { accountAggregate } from '../identity/decide.ts';
import { connectLog } from './connect.ts';
import type { Log } from './open.ts';
import { foldAt } from './travel.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;
let subject: string;
let second = 0;

beforeAll(async () => {
  services = await testNats();
  log = await connectLog({ servers: NATS_URL, namespace: services.prefix, name: 'travel-test' });
  subject = log.names.identity.account('traveller');
  await publishIdentity(log, registered('traveller'));
  for (const toRole of ['child', 'member']) {
    const seq = await publishIdentity(log, {
      case: 'roleChanged',
      value: create(RoleChangedSchema, { userId: 'traveller', fromRole: 'member', toRole }),
    });
    second ||= seq;
  }
});
afterAll(async () => {
  await log.nc.drain();
  await services.cleanup();
});

describe('travelling through a long history', () => {
  it('folds up to the cap', async () => {
    const at = await foldAt({ log, type: accountAggregate, subject, maxFolded: 3 });
    expect(at.folded).toBe(3);
  });

  it('refuses past it with a 422 that says what to do', async () => {
    const err = await foldAt({ log, type: accountAggregate, subject, maxFolded: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HearthError);
    expect(err).toMatchObject({ status: 422, code: 'too_many_events', details: { limit: 2 } });
    expect((err as Error).message).toMatch(/earlier at_seq or at_time/);
    // Up to an earlier sequence it fits.
    const first = await foldAt({ log, type: accountAggregate, subject, maxFolded: 2, atSeq: second });
    expect(first.folded).toBe(2);
  });

  it('stops when the client has left', async () => {
    const gone = new AbortController();
    gone.abort();
    await expect(foldAt({ log, type: accountAggregate, subject, signal: gone.signal })).rejects.toThrow();
  });
});
