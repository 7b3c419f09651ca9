import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleChangedSchema } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { type IdentityBody, publishIdentity, registered } from '../../test/events.ts';
import { NATS_URL, testNats } from '../../test/services.ts';
import { accountAggregate } from '../identity/decide.ts';
import { connectLog } from './connect.ts';
import { foldAggregate, messagesAfter } from './fold.ts';
import { hashKey, type Log } from './open.ts';
import { decodeSnapshot, encodeSnapshot, writeSnapshot } from './snapshot.ts';

const roleChanged = (userId: string, toRole: string): IdentityBody => ({
  case: 'roleChanged',
  value: create(RoleChangedSchema, { userId, fromRole: 'member', toRole }),
});

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;
const stream = () => log.names.stream('identity');
const account = (userId: string) => log.names.identity.account(userId);
const walk = async (input: Omit<Parameters<typeof messagesAfter>[0], 'log' | 'stream'>) => {
  const seqs: number[] = [];
  for await (const msg of messagesAfter({ log, stream: stream(), ...input })) seqs.push(msg.seq);
  return seqs;
};

beforeAll(async () => {
  services = await testNats();
  // The log as the hub opens it: connected with the hub's options, in this file's namespace.
  log = await connectLog({ servers: NATS_URL, namespace: services.prefix, name: 'fold-test' });
});
afterAll(async () => {
  await log.nc.drain();
  await services.cleanup();
});

describe('walking a subject', () => {
  it('reads only its messages, in order, after the sequence asked for', async () => {
    const a1 = await publishIdentity(log, registered('walk-a'));
    await publishIdentity(log, registered('walk-b'));
    const a2 = await publishIdentity(log, roleChanged('walk-a', 'child'));
    await publishIdentity(log, registered('walk-c'));
    const a3 = await publishIdentity(log, roleChanged('walk-a', 'member'));
    expect(await walk({ filter: account('walk-a'), afterSeq: 0 })).toEqual([a1, a2, a3]);
    expect(await walk({ filter: account('walk-a'), afterSeq: a1 })).toEqual([a2, a3]);
    expect(await walk({ filter: account('walk-a'), afterSeq: a3 })).toEqual([]);
  });

  it('stops at the bound it is given and reuses the message already fetched', async () => {
    const b1 = await publishIdentity(log, registered('bound'));
    const b2 = await publishIdentity(log, roleChanged('bound', 'child'));
    await publishIdentity(log, roleChanged('bound', 'member'));
    expect(await walk({ filter: account('bound'), afterSeq: 0, untilSeq: b2 })).toEqual([b1, b2]);
    const last = (await log.jsm.direct.getMessage(stream(), { seq: b2 })) ?? undefined;
    const reused: unknown[] = [];
    for await (const msg of messagesAfter({
      log,
      stream: stream(),
      filter: account('bound'),
      afterSeq: b1,
      untilSeq: b2,
      last,
    }))
      reused.push(msg);
    expect(reused).toEqual([last]);
    expect(reused[0]).toBe(last);
  });
});

describe('folding an aggregate', () => {
  it('answers the initial state for a subject with no events', async () => {
    const folded = await foldAggregate({ log, type: accountAggregate, subject: account('nobody') });
    expect(folded).toEqual({ state: { status: 'unknown' }, seq: 0, folded: 0 });
  });

  it('folds every event of its subject and nothing else', async () => {
    await publishIdentity(log, registered('fold-a'));
    await publishIdentity(log, registered('fold-other'));
    const last = await publishIdentity(log, roleChanged('fold-a', 'child'));
    const folded = await foldAggregate({ log, type: accountAggregate, subject: account('fold-a') });
    expect(folded).toEqual({
      state: { status: 'registered', userId: 'fold-a', role: 'child' },
      seq: last,
      folded: 2,
    });
  });

  it('continues from a known state and folds only what came after it', async () => {
    await publishIdentity(log, registered('known'));
    const first = await foldAggregate({ log, type: accountAggregate, subject: account('known') });
    const last = await publishIdentity(log, roleChanged('known', 'admin'));
    const again = await foldAggregate({
      log,
      type: accountAggregate,
      subject: account('known'),
      known: first,
    });
    expect(again).toEqual({
      state: { status: 'registered', userId: 'known', role: 'admin' },
      seq: last,
      folded: 1,
    });
    const unchanged = await foldAggregate({
      log,
      type: accountAggregate,
      subject: account('known'),
      known: again,
    });
    expect(unchanged).toEqual({ ...again, folded: 0 });
  });

  it('starts from the snapshot, counting only the events after it', async () => {
    const seq = await publishIdentity(log, registered('snapped'));
    // A snapshot says more than the log does here, so reading it is visible in the state.
    const state = { status: 'registered', userId: 'snapped', role: 'from-snapshot' };
    await log.snapshots.put(hashKey(account('snapped')), JSON.stringify({ seq, state }));
    expect(await foldAggregate({ log, type: accountAggregate, subject: account('snapped') })).toEqual({
      state,
      seq,
      folded: 0,
    });
    const last = await publishIdentity(log, roleChanged('snapped', 'child'));
    expect(await foldAggregate({ log, type: accountAggregate, subject: account('snapped') })).toEqual({
      state: { ...state, role: 'child' },
      seq: last,
      folded: 1,
    });
  });

  it('reads a snapshot of any type, kept with Maps, Sets and Dates as they were', async () => {
    const seq = await publishIdentity(log, registered('typed'));
    const state = {
      status: 'registered',
      userId: 'typed',
      role: 'member',
      seen: new Map([['a', new Date(0)]]),
      tags: new Set(['x']),
    };
    await writeSnapshot(log.snapshots, account('typed'), { seq, state });
    // The account type writes snapshots itself; read as one that does not, the snapshot still counts.
    const plain = { ...accountAggregate, snapshot: false };
    const folded = await foldAggregate({ log, type: plain, subject: account('typed') });
    expect(folded).toEqual({ state, seq, folded: 0 });
    expect((folded.state as typeof state).seen.get('a')).toBeInstanceOf(Date);
  });

  it('keeps reading snapshots written as JSON', async () => {
    const snap = { seq: 7, state: { status: 'registered', userId: 'old', role: 'child' } };
    expect(decodeSnapshot(new TextEncoder().encode(JSON.stringify(snap)))).toEqual(snap);
    expect(decodeSnapshot(encodeSnapshot(snap))).toEqual(snap);
  });
});

describe('when the log cannot be reached', () => {
  it('says the log is unavailable, which callers retry, rather than failing otherwise', async () => {
    const gone = await connectLog({ servers: NATS_URL, namespace: services.prefix, name: 'fold-gone' });
    await gone.nc.close();
    const folding = foldAggregate({ log: gone, type: accountAggregate, subject: account('gone') });
    await expect(folding).rejects.toMatchObject({ code: 'unavailable', status: 503 });
  });
});
