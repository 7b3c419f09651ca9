// The ledger's claims: a command that generates ids claims them with its time before it is
// decided, so every retry with its key (even after a crash between the append and the answer)
// addresses what the first attempt created, and answers its sequence.
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
import { type AggregateType, type Appender, type CommandMeta, createAppender } from './append.ts';
import { ledgerKey, readLedger, writeLedger } from './ledger.ts';
import { type Log, openLog } from './open.ts';

// Registering an id the command generated: refused once the account exists, as a create is.
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
let appender: Appender;
let n = 0;
const meta = (over: Partial<CommandMeta> = {}): CommandMeta => ({
  commandId: `key-${++n}-${Math.random()}`,
  actorId: 'admin1',
  correlationId: 'corr-1',
  now: new Date(),
  fingerprint: 'request-a',
  ...over,
});
/** One attempt as a route makes it: claim a fresh id, then append with the claimed one. */
const attempt = async (m: CommandMeta, using = appender) => {
  const claimed = await using.claim({ meta: m, made: { id: `u${++n}` } });
  const result = await using.append({
    type: registration,
    id: claimed.made.id,
    command: { userId: claimed.made.id },
    meta: claimed.meta,
  });
  return { ...result, id: claimed.made.id, now: claimed.meta.now.toISOString() };
};
const countOn = async (id: string) => {
  const subject = log.names.identity.account(id);
  const info = await log.jsm.streams.info(log.names.stream('identity'), { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
};

beforeAll(async () => {
  services = await testNats();
  log = await openLog({ nc: services.nc, names: services.names });
  appender = createAppender({ log });
});
afterAll(() => services.cleanup());

describe('a command retried with its key', () => {
  it('gets the ids, the time and the sequence of the first attempt', async () => {
    const m = meta();
    const first = await attempt(m);
    const again = await attempt({ ...m, now: new Date(Date.now() + 60_000) }, createAppender({ log }));
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await countOn(first.id)).toBe(1);
  });

  it('gets them after a crash between the append and the ledger write', async () => {
    const m = meta();
    const first = await attempt(m);
    // As if the process died before answering: the ledger holds the claim, not the answer.
    const key = ledgerKey(m.commandId);
    const { seq: _seq, appended: _appended, ...claimOnly } = (await readLedger(log, key)) ?? {};
    await writeLedger(log, key, claimOnly);
    const again = await attempt(m, createAppender({ log }));
    expect(again).toMatchObject({ id: first.id, now: first.now, seq: first.seq, duplicate: true });
    expect(await countOn(first.id)).toBe(1);
    // And the answer is kept this time.
    expect(await readLedger(log, key)).toMatchObject({ seq: first.seq });
  });

  it('gets them while the first attempt is still running', async () => {
    const m = meta();
    const [a, b] = await Promise.all([attempt(m), attempt(m, createAppender({ log }))]);
    expect(b.id).toBe(a.id);
    expect(b.seq).toBe(a.seq);
    expect(await countOn(a.id)).toBe(1);
  });

  it('is still refused when the first attempt never appended and the decision no longer holds', async () => {
    const m = meta();
    const claimed = await appender.claim({ meta: m, made: { id: `taken${n}` } });
    // Someone else took the id in between (a client-chosen id, say).
    await appender.append({
      type: registration,
      id: claimed.made.id,
      command: { userId: claimed.made.id },
      meta: meta({ retryable: false }),
    });
    await expect(attempt(m)).rejects.toMatchObject({ code: 'test.exists' });
  });

  it('is refused with another request', async () => {
    const m = meta();
    await attempt(m);
    await expect(attempt({ ...m, fingerprint: 'request-b' })).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
  });
});

describe('a command without a key', () => {
  it('claims nothing: no ledger entry, and its own generated values', async () => {
    const m = meta({ retryable: false, fingerprint: undefined });
    const claimed = await appender.claim({ meta: m, made: { id: 'fresh' } });
    expect(claimed).toEqual({ meta: m, made: { id: 'fresh' } });
    expect(await readLedger(log, ledgerKey(m.commandId))).toBeUndefined();
  });
});

describe('a command retried after a crash, once the duplicate window has passed', () => {
  let short: Awaited<ReturnType<typeof testNats>>;
  let shortLog: Log;
  const WINDOW_MS = 300;

  beforeAll(async () => {
    short = await testNats();
    shortLog = await openLog({ nc: short.nc, names: short.names, duplicateWindowMs: WINDOW_MS });
  });
  afterAll(() => short.cleanup());

  it('gets the first attempt’s answer, found by its message id, and appends nothing again', async () => {
    const m = meta();
    const first = await attempt(m, createAppender({ log: shortLog }));
    const key = ledgerKey(m.commandId);
    const { seq: _seq, appended: _appended, ...claimOnly } = (await readLedger(shortLog, key)) ?? {};
    await writeLedger(shortLog, key, claimOnly);
    // Past the window, the log no longer recognises the id: only the aggregate itself can tell.
    await new Promise((r) => setTimeout(r, WINDOW_MS * 3));
    const again = await attempt(m, createAppender({ log: shortLog }));
    expect(again).toMatchObject({ id: first.id, now: first.now, seq: first.seq, duplicate: true });
    const subject = shortLog.names.identity.account(first.id);
    const info = await shortLog.jsm.streams.info(shortLog.names.stream('identity'), {
      subjects_filter: subject,
    });
    expect(info.state.subjects?.[subject]).toBe(1);
    expect(await readLedger(shortLog, key)).toMatchObject({ seq: first.seq });
  });
});
