import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import type { RefusalCommand } from '../../writers/audit/refusal.ts';
import type { CommandMeta } from '../../writers/log/append.ts';
import type { RefusedAttempt } from '../http/deps.ts';
import { createRefusals, MAX_ACCOUNTS, OVERFLOW_ACTION } from './refusals.ts';

type Recorded = { command: Omit<RefusalCommand, 'type'>; meta: CommandMeta };

const T0 = Date.parse('2026-03-01T10:00:00Z');

/** A recorder on a clock moved by hand, whose writer keeps what it was asked to append. */
function setup({ maxGroups = 200, maxImmediate = 60, maxInFlight = 16, fail = false, slow = false } = {}) {
  let clock = T0;
  let waiting = 0;
  let mostWaiting = 0;
  const recorded: Recorded[] = [];
  const warnings: unknown[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
  const refusals = createRefusals({
    writer: {
      recordRefusal: async (command, meta) => {
        if (fail) throw new Error('log away');
        waiting += 1;
        mostWaiting = Math.max(mostWaiting, waiting);
        // A slow log: each append waits for a later turn of the event loop.
        if (slow) await new Promise((r) => setImmediate(r));
        waiting -= 1;
        recorded.push({ command, meta });
        return { stream: 'AUDIT', seq: recorded.length, appended: 1, duplicate: false };
      },
    },
    logger,
    now: () => new Date(clock),
    maxGroups,
    maxImmediate,
    maxInFlight,
    sweepEveryMs: 0,
    recorder: 'test',
  });
  return {
    refusals,
    recorded,
    warnings,
    mostWaiting: () => mostWaiting,
    at: (ms: number) => {
      clock = T0 + ms;
    },
  };
}

const signInFailed = (over: Partial<RefusedAttempt> = {}): RefusedAttempt => ({
  kind: RefusalKind.SIGN_IN_FAILED,
  action: 'POST /api/auth/sign-in/email',
  code: 'invalid_credentials',
  clientIp: '203.0.113.7',
  userAgent: 'curl/8.5',
  account: 'ann@family.test',
  ...over,
});

const settle = () => new Promise((r) => setImmediate(r));

describe('the first refused attempt of a group', () => {
  it('is appended at once, with a count of one', async () => {
    const { refusals, recorded, at } = setup();
    at(5_000);
    refusals.refused(signInFailed());
    await settle();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.command).toMatchObject({
      kind: RefusalKind.SIGN_IN_FAILED,
      action: 'POST /api/auth/sign-in/email',
      count: 1,
      firstAt: new Date(T0 + 5_000),
      lastAt: new Date(T0 + 5_000),
      // Only its domain: the address is a person's, and would outlive their erasure.
      account: '@family.test',
    });
    expect(recorded[0]?.meta).toMatchObject({ actorId: '', clientIp: '203.0.113.7', userAgent: 'curl/8.5' });
    expect(recorded[0]?.meta.commandId).toBe(recorded[0]?.command.refusalId);
  });
});

describe('the rest of a group’s minute', () => {
  it('is counted and appended as one event once the minute is over', async () => {
    const { refusals, recorded, at } = setup();
    for (let i = 0; i < 200; i++) {
      at(1_000 + i * 100);
      refusals.refused(signInFailed());
    }
    at(59_999);
    refusals.sweep();
    await settle();
    expect(recorded).toHaveLength(1);
    at(60_000);
    refusals.sweep();
    await refusals.flush();
    expect(recorded).toHaveLength(2);
    expect(recorded[1]?.command).toMatchObject({
      count: 199,
      firstAt: new Date(T0 + 1_100),
      lastAt: new Date(T0 + 1_000 + 199 * 100),
    });
    expect(recorded[1]?.command.refusalId).not.toBe(recorded[0]?.command.refusalId);
    expect(recorded.reduce((n, r) => n + r.command.count, 0)).toBe(200);
  });

  it('starts a new group in the next minute, even before the timer has swept', async () => {
    const { refusals, recorded, at } = setup();
    refusals.refused(signInFailed());
    refusals.refused(signInFailed());
    at(61_000);
    refusals.refused(signInFailed());
    await refusals.flush();
    expect(recorded.map((r) => r.command.count)).toEqual([1, 1, 1]);
    expect(new Set(recorded.map((r) => r.command.refusalId)).size).toBe(3);
  });

  it('keeps groups apart by actor or address, kind and action', async () => {
    const { refusals, recorded } = setup();
    refusals.refused(signInFailed());
    refusals.refused(signInFailed({ clientIp: '203.0.113.8' }));
    refusals.refused(signInFailed({ kind: RefusalKind.RATE_LIMITED, code: 'rate_limited' }));
    const forbidden = {
      kind: RefusalKind.FORBIDDEN,
      action: 'POST /api/v1/admin/invites',
      code: 'forbidden',
      clientIp: '203.0.113.7',
      userAgent: 'ua',
    };
    refusals.refused({ ...forbidden, actorId: 'kid1' });
    refusals.refused({ ...forbidden, actorId: 'kid2' });
    // The same person from another address is the same group.
    refusals.refused({ ...forbidden, actorId: 'kid1', clientIp: '198.51.100.1' });
    await refusals.flush();
    expect(recorded.map((r) => r.command.count)).toEqual([1, 1, 1, 1, 1, 1]);
    // An event's metadata are those of the first attempt it counts.
    expect(recorded.at(-1)?.meta).toMatchObject({ actorId: 'kid1', clientIp: '198.51.100.1' });
  });
});

describe('on stop', () => {
  it('appends what the current minute still holds and waits for it', async () => {
    const { refusals, recorded, at } = setup();
    for (let i = 0; i < 10; i++) {
      at(i * 1000);
      refusals.refused(signInFailed());
    }
    await refusals.stop();
    expect(recorded.map((r) => r.command.count)).toEqual([1, 9]);
    expect(recorded[1]?.meta).toMatchObject({ clientIp: '203.0.113.7', userAgent: 'curl/8.5' });
  });
});

describe('signed-out clients', () => {
  it('are grouped by their IPv6 /64, whatever address of it each attempt uses', async () => {
    const { refusals, recorded } = setup();
    for (let i = 1; i <= 500; i++) {
      refusals.refused(
        signInFailed({ kind: RefusalKind.RATE_LIMITED, clientIp: `2001:db8:7:1:${i.toString(16)}::1` }),
      );
    }
    refusals.refused(signInFailed({ clientIp: '2001:db8:7:2::1' }));
    await refusals.flush();
    expect(recorded.map((r) => r.command.count)).toEqual([1, 1, 499]);
  });

  it('by their IPv4 address, mapped or not', async () => {
    const { refusals, recorded } = setup();
    refusals.refused(signInFailed({ clientIp: '198.51.100.4' }));
    refusals.refused(signInFailed({ clientIp: '::ffff:198.51.100.4' }));
    refusals.refused(signInFailed({ clientIp: '198.51.100.5' }));
    await refusals.flush();
    expect(recorded.map((r) => r.command.count)).toEqual([1, 1, 1]);
  });
});

describe('a minute of refusals from ever new clients', () => {
  it('appends at most maxImmediate at once, and at most a bounded number of events in all', async () => {
    const { refusals, recorded, at } = setup();
    const kinds = [
      RefusalKind.SIGN_IN_FAILED,
      RefusalKind.RATE_LIMITED,
      RefusalKind.INVITE_REFUSED,
      RefusalKind.FORBIDDEN,
    ];
    let sent = 0;
    for (let i = 0; i < 20_000; i++) {
      at((i * 59_000) / 20_000);
      const kind = kinds[i % 4] as RefusalKind;
      const who =
        i % 3 === 0 ? { actorId: `u${i}` } : { clientIp: `2001:db8:${(i >> 16) & 0xffff}:${i & 0xffff}::9` };
      refusals.refused(signInFailed({ kind, action: `POST /api/v1/r${i % 7}`, ...who }));
      sent++;
    }
    await new Promise((r) => setImmediate(r));
    expect(recorded.length).toBeLessThanOrEqual(60);
    at(60_000);
    refusals.sweep();
    await refusals.flush();
    expect(recorded.length).toBeLessThanOrEqual(60 + 200 + 4);
    expect(recorded.reduce((n, r) => n + r.command.count, 0)).toBe(sent);
  });
});

describe('more groups than appends may wait on the log at once', () => {
  it('queues the appends and records every attempt, a few at a time', async () => {
    const { refusals, recorded, mostWaiting } = setup({
      maxGroups: 1000,
      maxImmediate: 1000,
      maxInFlight: 10,
      slow: true,
    });
    for (let i = 0; i < 300; i++) {
      for (let n = 0; n < 3; n++) refusals.refused(signInFailed({ clientIp: `10.0.${i >> 8}.${i & 255}` }));
    }
    await refusals.stop();
    expect(recorded.reduce((n, r) => n + r.command.count, 0)).toBe(900);
    expect(recorded).toHaveLength(600);
    expect(mostWaiting()).toBeLessThanOrEqual(10);
    // The same at a minute's close.
    const next = setup({ maxGroups: 1000, maxImmediate: 1000, maxInFlight: 10, slow: true });
    for (let i = 0; i < 300; i++) {
      for (let n = 0; n < 3; n++)
        next.refusals.refused(signInFailed({ clientIp: `10.1.${i >> 8}.${i & 255}` }));
    }
    next.at(60_000);
    next.refusals.sweep();
    await next.refusals.flush();
    expect(next.recorded.reduce((n, r) => n + r.command.count, 0)).toBe(900);
  });
});

describe('a refusal still being read from its answer', () => {
  it('is recorded by a stop that began before it was read', async () => {
    const { refusals, recorded } = setup();
    let read: (attempt: RefusedAttempt) => void = () => undefined;
    refusals.refused(new Promise<RefusedAttempt>((r) => (read = r)));
    const stopped = refusals.stop();
    await settle();
    read(signInFailed());
    await stopped;
    expect(recorded.map((r) => [r.command.count, r.command.account])).toEqual([[1, '@family.test']]);
  });
});

describe('memory', () => {
  it('holds at most maxGroups groups a minute; the rest fold into one overflow group per kind', async () => {
    const { refusals, recorded } = setup({ maxGroups: 10 });
    for (let i = 0; i < 1000; i++) refusals.refused(signInFailed({ clientIp: `10.0.${i >> 8}.${i & 255}` }));
    await refusals.flush();
    // Ten groups, then the overflow group's first attempt at once and its 989 others on flush.
    expect(recorded).toHaveLength(12);
    const overflowed = recorded.filter((r) => r.command.action === OVERFLOW_ACTION);
    expect(overflowed.map((r) => r.command.count)).toEqual([1, 989]);
    expect(recorded.reduce((n, r) => n + r.command.count, 0)).toBe(1000);
  });
});

describe('an overflow group', () => {
  it('names no one: its actor, address, user agent and account are empty', async () => {
    const { refusals, recorded } = setup({ maxGroups: 2 });
    for (let i = 0; i < 5; i++) {
      refusals.refused(signInFailed({ clientIp: `10.0.0.${i}`, account: `p${i}@family.test` }));
      refusals.refused({
        ...signInFailed({ kind: RefusalKind.FORBIDDEN }),
        actorId: `kid${i}`,
        onBehalfOf: 'ann',
      });
    }
    await refusals.flush();
    const overflowed = recorded.filter((r) => r.command.action === OVERFLOW_ACTION);
    expect(overflowed.length).toBeGreaterThan(0);
    for (const r of overflowed) {
      expect(r.command).toMatchObject({ account: '', target: '' });
      expect(r.meta).toMatchObject({ actorId: '', onBehalfOf: undefined, clientIp: '', userAgent: '' });
    }
  });
});

describe('failed sign-ins from one address naming many accounts', () => {
  it('count the different accounts, not only the first', async () => {
    const { refusals, recorded } = setup();
    for (let i = 0; i < 50; i++) refusals.refused(signInFailed({ account: `person${i % 40}@family.test` }));
    refusals.refused(signInFailed({ account: 'PERSON1@family.test ' }));
    await refusals.flush();
    expect(recorded.map((r) => [r.command.count, r.command.accounts])).toEqual([
      [1, 1],
      [50, 40],
    ]);
  });

  it('tell at most MAX_ACCOUNTS apart, so a group’s memory stays bounded', async () => {
    const { refusals, recorded } = setup();
    for (let i = 0; i < MAX_ACCOUNTS + 500; i++)
      refusals.refused(signInFailed({ account: `p${i}@family.test` }));
    await refusals.flush();
    expect(recorded.at(-1)?.command.accounts).toBe(MAX_ACCOUNTS);
  });
});

describe('while the log is away', () => {
  it('drops refusals with one log line a minute, and never throws to the caller', async () => {
    const { refusals, warnings, at } = setup({ fail: true });
    for (let i = 0; i < 50; i++) refusals.refused(signInFailed({ clientIp: `10.0.0.${i}` }));
    await refusals.flush();
    expect(warnings).toHaveLength(1);
    at(60_000);
    refusals.refused(signInFailed());
    await refusals.flush();
    expect(warnings).toHaveLength(2);
  });
});
