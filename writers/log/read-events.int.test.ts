import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import { publishIdentity, registered, signedIn } from '../../test/events.ts';
import { testNats } from '../../test/services.ts';
import { type Log, openLog } from './open.ts';
import { readEvents } from './read-events.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;
const seqs: number[] = [];

beforeAll(async () => {
  services = await testNats();
  log = await openLog({ nc: services.nc, names: services.names });
  seqs.push(await publishIdentity(log, registered('ann')));
  seqs.push(await publishIdentity(log, signedIn('ann')));
  seqs.push(await publishIdentity(log, registered('bob')));
});
afterAll(() => services.cleanup());

describe('reading a stream for an admin', () => {
  it('gives every event in order, its payload as JSON', async () => {
    const page = await readEvents({ log, domain: 'identity', afterSeq: 0, limit: 10 });
    expect(page.events.map((e) => e.seq)).toEqual(seqs);
    expect(page.lastSeq).toBe(seqs[2]);
    expect(page.nextAfterSeq).toBe(seqs[2]);
    expect(page.events[0]).toMatchObject({
      subject: log.names.identity.account('ann'),
      type: 'hearth.identity.v1.UserRegistered',
      actor: 'ann',
      correlationId: 'test',
      payload: { metadata: { actorId: 'ann' }, userRegistered: { userId: 'ann', role: 'member' } },
      headers: { 'Hearth-Type': 'hearth.identity.v1.UserRegistered' },
      personal: { status: 'withheld', fields: ['userRegistered.email', 'userRegistered.name'] },
    });
    // Neither the sealed values nor the box that holds them.
    expect(JSON.stringify(page.events[0])).not.toMatch(/family\.test|"sealed"|"box"/);
  });

  it('pages by the sequence it stopped at', async () => {
    const first = await readEvents({ log, domain: 'identity', afterSeq: 0, limit: 2 });
    expect(first.events.map((e) => e.seq)).toEqual(seqs.slice(0, 2));
    const next = await readEvents({ log, domain: 'identity', afterSeq: first.nextAfterSeq, limit: 2 });
    expect(next.events.map((e) => e.seq)).toEqual(seqs.slice(2));
    const end = await readEvents({ log, domain: 'identity', afterSeq: next.nextAfterSeq, limit: 2 });
    expect(end).toMatchObject({ events: [], nextAfterSeq: next.nextAfterSeq });
  });

  it('starts at a moment, the way a consumer starting at a time would', async () => {
    const all = await readEvents({ log, domain: 'identity', afterSeq: 0, limit: 10 });
    const second = all.events[1];
    const since = await readEvents({
      log,
      domain: 'identity',
      since: new Date(second?.time ?? 0),
      limit: 10,
    });
    expect(since.events[0]?.seq).toBe(all.events.find((e) => e.time >= (second?.time ?? ''))?.seq);
    const later = await readEvents({
      log,
      domain: 'identity',
      since: new Date(Date.now() + 60_000),
      limit: 10,
    });
    expect(later.events).toEqual([]);
  });

  it('reads one subject when asked, and only inside the stream', async () => {
    const ann = await readEvents({ log, domain: 'identity', afterSeq: 0, limit: 10, subject: 'user.ann.>' });
    expect(ann.events.map((e) => e.seq)).toEqual(seqs.slice(0, 2));
    await expect(
      readEvents({ log, domain: 'identity', afterSeq: 0, limit: 10, subject: 'user..ann' }),
    ).rejects.toBeInstanceOf(HearthError);
  });
});
