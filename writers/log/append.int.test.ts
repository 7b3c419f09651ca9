import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import {
  type IdentityEvent,
  UserRegisteredSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { testNats } from '../../test/services.ts';
import { accountAggregate } from '../identity/decide.ts';
import type { Account } from '../identity/state.ts';
import {
  type AggregateType,
  type Appender,
  type CommandMeta,
  createAppender,
  SNAPSHOT_EVERY,
} from './append.ts';
import { type Log, openLog } from './open.ts';
import { readSnapshot } from './snapshot.ts';

// A registration decided by a writer: its first event must be appended with expected sequence 0.
const registration: AggregateType<Account, { userId: string }, IdentityEvent> = {
  ...accountAggregate,
  decider: {
    ...accountAggregate.decider,
    decide: (command, state) => {
      if (state.status === 'registered')
        throw new HearthError({ code: 'test.exists', status: 409, message: 'exists' });
      const value = create(UserRegisteredSchema, {
        userId: command.userId,
        email: 'a@b.c',
        name: 'A',
        role: 'member',
      });
      return [{ case: 'userRegistered', value }];
    },
  },
};

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;
let writer: Appender;
let n = 0;
const meta = (over: Partial<CommandMeta> = {}): CommandMeta => ({
  commandId: `cmd-${++n}-${Math.random()}`,
  actorId: 'admin1',
  correlationId: 'corr-1',
  now: new Date(),
  ...over,
});
const register = (userId: string, m = meta()) =>
  writer.append({ type: registration, id: userId, command: { userId }, meta: m });
const countOn = async (subject: string) => {
  const info = await log.jsm.streams.info(log.names.stream('identity'), { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
};

beforeAll(async () => {
  services = await testNats();
  log = await openLog({ nc: services.nc, names: services.names, duplicateWindowMs: 300 });
  writer = createAppender({ log });
});
afterAll(() => services.cleanup());

describe('appending to a new aggregate', () => {
  it('expects sequence 0 and lets exactly one of two racing writers in', async () => {
    const other = createAppender({ log }); // a second process: its own cache
    const results = await Promise.allSettled([
      register('race1'),
      other.append({ type: registration, id: 'race1', command: { userId: 'race1' }, meta: meta() }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed.map((f) => (f.reason as HearthError).code)[0]).toBe('conflict');
    expect(await countOn(log.names.identity.account('race1'))).toBe(1);
  });
});

describe('when two writers decide on a stale state', () => {
  it('reloads and re-decides, and answers conflict when the decision no longer holds', async () => {
    await register('u2');
    const a = createAppender({ log });
    const b = createAppender({ log });
    await a.load(accountAggregate, 'u2');
    await b.load(accountAggregate, 'u2');
    const ban = (w: Appender) =>
      w.append({
        type: accountAggregate,
        id: 'u2',
        command: { type: 'ban', userId: 'u2', reason: 'x', actorId: 'admin1', now: new Date() },
        meta: meta(),
      });
    const results = await Promise.allSettled([ban(a), ban(b)]);
    const codes = results
      .map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as HearthError).code))
      .sort();
    expect(codes).toEqual(['conflict', 'ok']);
  });

  it('retries past a concurrent unrelated change and succeeds', async () => {
    await register('u3');
    const a = createAppender({ log });
    await a.load(accountAggregate, 'u3'); // cached at the registration
    await writer.append({
      type: accountAggregate,
      id: 'u3',
      command: { type: 'changeRole', userId: 'u3', role: 'child', actorId: 'admin1', now: new Date() },
      meta: meta(),
    });
    const result = await a.append({
      type: accountAggregate,
      id: 'u3',
      command: { type: 'ban', userId: 'u3', reason: 'x', actorId: 'admin1', now: new Date() },
      meta: meta(),
    });
    expect(result.appended).toBe(1);
    const { state } = await createAppender({ log }).load(accountAggregate, 'u3');
    expect(state).toMatchObject({ role: 'child', bannedUntilMs: 0 });
  });
});

describe('when another process changed the aggregate since this one cached it', () => {
  it('reloads before refusing, so a stale cache never refuses a valid command', async () => {
    await register('stale1');
    const a = createAppender({ log });
    const b = createAppender({ log });
    await a.load(accountAggregate, 'stale1'); // a believes stale1 is not banned
    const by = { actorId: 'admin1', now: new Date() };
    await b.append({
      type: accountAggregate,
      id: 'stale1',
      command: { type: 'ban', userId: 'stale1', reason: 'x', ...by },
      meta: meta(),
    });
    const unban = await a.append({
      type: accountAggregate,
      id: 'stale1',
      command: { type: 'unban', userId: 'stale1', ...by },
      meta: meta(),
    });
    expect(unban.appended).toBe(1);
  });
});

describe('idempotency', () => {
  it('gives one event for a retried command and returns the first result', async () => {
    const m = meta();
    const first = await register('idem1', m);
    const second = await register('idem1', m);
    expect(second).toEqual({ ...first, duplicate: true });
    expect(await countOn(log.names.identity.account('idem1'))).toBe(1);
  });

  it('still answers from the ledger after the duplicate window has passed', async () => {
    const m = meta();
    const first = await register('idem2', m);
    await new Promise((r) => setTimeout(r, 600));
    const fresh = createAppender({ log });
    const again = await fresh.append({
      type: registration,
      id: 'idem2',
      command: { userId: 'idem2' },
      meta: m,
    });
    expect(again.seq).toBe(first.seq);
    expect(again.duplicate).toBe(true);
    expect(await countOn(log.names.identity.account('idem2'))).toBe(1);
  });

  it('refuses the same key with a different request', async () => {
    const m = meta({ fingerprint: 'body-a' });
    await register('idem3', m);
    await expect(register('idem3', { ...m, fingerprint: 'body-b' })).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
  });

  it('lets the server deduplicate by message id before it checks the expected sequence', async () => {
    // Guards the order the writer relies on when a process dies between publish and ledger.
    const subject = log.names.identity.account('dedupe');
    const payload = new Uint8Array([1]);
    const first = await log.js.publish(subject, payload, {
      msgID: 'same',
      expect: { lastSubjectSequence: 0 },
    });
    const again = await log.js.publish(subject, payload, {
      msgID: 'same',
      expect: { lastSubjectSequence: 0 },
    });
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
  });
});

describe('loading', () => {
  it('folds only the aggregate subject', async () => {
    await register('fold1');
    await register('other1');
    await writer.append({
      type: accountAggregate,
      id: 'fold1',
      command: { type: 'changeRole', userId: 'fold1', role: 'child', actorId: 'admin1', now: new Date() },
      meta: meta(),
    });
    const { state, seq } = await createAppender({ log }).load(accountAggregate, 'fold1');
    expect(state).toEqual({ status: 'registered', userId: 'fold1', role: 'child' });
    expect(seq).toBe(
      (
        await log.jsm.direct.getMessage(log.names.stream('identity'), {
          last_by_subj: log.names.identity.account('fold1'),
        })
      )?.seq,
    );
  });

  it('keeps a snapshot every SNAPSHOT_EVERY events and restores from it', async () => {
    await register('snap1');
    const roles = ['child', 'member'];
    for (let i = 0; i < SNAPSHOT_EVERY; i++) {
      await writer.append({
        type: accountAggregate,
        id: 'snap1',
        command: {
          type: 'changeRole',
          userId: 'snap1',
          role: roles[i % 2] as string,
          actorId: 'admin1',
          now: new Date(),
        },
        meta: meta(),
      });
    }
    const snapshot = await readSnapshot(log.snapshots, log.names.identity.account('snap1'));
    expect(snapshot).toMatchObject({
      seq: expect.any(Number),
      state: { status: 'registered' },
    });
    const loaded = await createAppender({ log }).load(accountAggregate, 'snap1');
    expect(loaded.state).toEqual({ status: 'registered', userId: 'snap1', role: 'member' });
  });
});
