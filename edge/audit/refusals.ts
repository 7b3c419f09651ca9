// Refused attempts onto the AUDIT stream, coalesced so a storm costs a few events. A group is
// one actor (signed out: one network, an IPv6 /64 or an IPv4 address), one kind and one action
// within one minute: its first attempt is appended at once while the minute's budget of such
// appends lasts, the rest of its minute are counted and appended as one event when the minute
// is over (or on stop). Groups are bounded too, so a minute costs at most
// maxImmediate + maxGroups + 4 events, however many clients and addresses are used. Recording never waits on the log and never
// throws: appends wait in a queue (bounded, as the groups are) and go out a few at a time;
// while the log is away they fail and are dropped, with one log line a minute.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import type { AuditWriter } from '../../writers/audit/commands.ts';
import { refusalIdOf } from '../../writers/audit/refusal.ts';
import { domainOf } from '../../writers/identity/email-domain.ts';
import { networkOf } from '../http/address-form.ts';
import type { RefusedAttempt } from '../http/deps.ts';

export type Refusals = {
  /** An attempt, or one still being read from its answer (stop waits for it). */
  refused: (attempt: RefusedAttempt | Promise<RefusedAttempt | undefined>) => void;
  /** Appends the counts of minutes that are over (the timer calls it every second). */
  sweep: () => void;
  /** Waits for the attempts still being read, appends every count held, and waits for every append. */
  flush: () => Promise<void>;
  /** Stops the timer, then flushes. */
  stop: () => Promise<void>;
};

/** The action an overflow group stands for: every action past the minute's groups. */
export const OVERFLOW_ACTION = '*';

type Group = {
  kind: RefusalKind;
  who: string;
  action: string;
  minute: number;
  /** Parts appended so far: the id of the next is refusalIdOf(…, part). */
  parts: number;
  /** Attempts counted since the last append, and the first of them (its metadata). */
  pending: number;
  sample?: RefusedAttempt;
  /** The different accounts those attempts named, hashed; at most MAX_ACCOUNTS told apart. */
  accounts: Set<number>;
  firstAt?: Date;
  lastAt?: Date;
};

type Append = Parameters<AuditWriter['recordRefusal']>;
type Queued = { command: Append[0]; meta: Append[1] };

const MINUTE_MS = 60_000;
/** Accounts told apart per group: past it the count stays (4 KB of hashes a group at most). */
export const MAX_ACCOUNTS = 1000;

export function createRefusals({
  writer,
  logger,
  now = () => new Date(),
  maxGroups = 200,
  maxImmediate = 60,
  maxInFlight = 16,
  maxQueued = 2000,
  sweepEveryMs = 1000,
  recorder = randomUUID(),
}: {
  writer: Pick<AuditWriter, 'recordRefusal'>;
  logger: Logger;
  /** Tests move the clock by hand. */
  now?: () => Date;
  /** Groups held per minute; past them, attempts fold into one overflow group per kind. */
  maxGroups?: number;
  /** Groups' first attempts appended at once per minute; past it they wait for the minute's close. */
  maxImmediate?: number;
  /** Appends waiting on the log at once; the others wait their turn in the queue. */
  maxInFlight?: number;
  /** Appends queued at most (a minute's groups fit many times over); past it they are dropped. */
  maxQueued?: number;
  /** 0: no timer (tests call sweep). */
  sweepEveryMs?: number;
  /** This process's name in refusal ids (edge/audit and writers/audit/refusal.ts). */
  recorder?: string;
}): Refusals {
  let minute = Math.floor(now().getTime() / MINUTE_MS);
  let groups = new Map<string, Group>();
  let overflow = new Map<RefusalKind, Group>();
  let immediate = 0;
  const inFlight = new Set<Promise<void>>();
  const queue: Queued[] = [];
  /** Attempts still being read from their answers. */
  const reading = new Set<Promise<void>>();
  let dropped = 0;
  let saidAtMinute = -1;

  const drop = (count: number, err: unknown) => {
    dropped += count;
    const at = Math.floor(now().getTime() / MINUTE_MS);
    if (at === saidAtMinute) return;
    saidAtMinute = at;
    logger.warn({ err, dropped }, 'refused attempts could not be recorded on the audit log; dropped');
    dropped = 0;
  };

  /** Starts queued appends while fewer than maxInFlight wait on the log. */
  const pump = () => {
    while (inFlight.size < maxInFlight) {
      const next = queue.shift();
      if (!next) return;
      const done = Promise.resolve()
        .then(() => writer.recordRefusal(next.command, next.meta))
        .then(
          () => undefined,
          (err: unknown) => drop(next.command.count, err),
        );
      inFlight.add(done);
      void done.finally(() => {
        inFlight.delete(done);
        pump();
      });
    }
  };

  /** Queues `count` attempts of the group as its next part. */
  const append = (
    group: Group,
    attempt: RefusedAttempt,
    { count, accounts, firstAt, lastAt }: { count: number; accounts: number; firstAt: Date; lastAt: Date },
  ) => {
    if (queue.length >= maxQueued) {
      drop(count, new Error('too many refusals waiting on the log'));
      return;
    }
    const refusalId = refusalIdOf({ recorder, ...group, part: group.parts });
    group.parts += 1;
    // An overflow group counts anyone's attempts: no one's name, address or account is its own.
    const anyone = group.action === OVERFLOW_ACTION;
    queue.push({
      command: {
        refusalId,
        kind: group.kind,
        action: group.action,
        target: anyone ? '' : (attempt.target ?? ''),
        code: attempt.code,
        count,
        firstAt,
        lastAt,
        account: anyone ? '' : domainOf(attempt.account ?? ''),
        accounts,
      },
      meta: {
        // The id is the group's part: a retried publish is a duplicate, never a second record.
        commandId: refusalId,
        retryable: false,
        actorId: anyone ? '' : (attempt.actorId ?? ''),
        onBehalfOf: anyone ? undefined : attempt.onBehalfOf,
        correlationId: refusalId,
        now: lastAt,
        clientIp: anyone ? '' : attempt.clientIp,
        userAgent: anyone ? '' : attempt.userAgent,
      },
    });
    pump();
  };

  const appendPending = (group: Group) => {
    if (group.pending === 0 || !group.sample || !group.firstAt || !group.lastAt) return;
    append(group, group.sample, {
      count: group.pending,
      accounts: group.accounts.size,
      firstAt: group.firstAt,
      lastAt: group.lastAt,
    });
    group.pending = 0;
    group.accounts = new Set();
    group.sample = undefined;
    group.firstAt = undefined;
    group.lastAt = undefined;
  };

  /** The minute is over: its counts are appended and its groups forgotten. */
  const closeMinute = (next: number) => {
    const closing = [...groups.values(), ...overflow.values()];
    groups = new Map();
    overflow = new Map();
    immediate = 0;
    minute = next;
    for (const group of closing) appendPending(group);
  };

  const record = (attempt: RefusedAttempt) => {
    const at = now();
    const current = Math.floor(at.getTime() / MINUTE_MS);
    if (current !== minute) closeMinute(current);
    // Signed out, a client is its network: an IPv6 client can use a new address per request.
    const who = attempt.actorId || networkOf(attempt.clientIp);
    const key = `${attempt.kind}\n${who}\n${attempt.action}`;
    const full = !groups.has(key) && groups.size >= maxGroups;
    let group = full ? overflow.get(attempt.kind) : groups.get(key);
    if (!group) {
      group = {
        kind: attempt.kind,
        who: full ? OVERFLOW_ACTION : who,
        action: full ? OVERFLOW_ACTION : attempt.action,
        minute,
        parts: 0,
        pending: 0,
        accounts: new Set(),
      };
      if (full) overflow.set(attempt.kind, group);
      else groups.set(key, group);
      if (immediate < maxImmediate) {
        immediate += 1;
        append(group, attempt, { count: 1, accounts: attempt.account ? 1 : 0, firstAt: at, lastAt: at });
        return;
      }
    }
    group.pending += 1;
    if (attempt.account && group.accounts.size < MAX_ACCOUNTS)
      group.accounts.add(accountHash(attempt.account));
    group.sample ??= attempt;
    group.firstAt ??= at;
    group.lastAt = at;
  };

  const recordSafely = (attempt: RefusedAttempt) => {
    try {
      record(attempt);
    } catch (err) {
      logger.error({ err }, 'could not record a refused attempt');
    }
  };

  const refused = (attempt: RefusedAttempt | Promise<RefusedAttempt | undefined>) => {
    if (!(attempt instanceof Promise)) return recordSafely(attempt);
    const read = attempt.then(
      (found) => {
        if (found) recordSafely(found);
      },
      (err: unknown) => logger.error({ err }, 'could not read a refused attempt'),
    );
    reading.add(read);
    void read.finally(() => reading.delete(read));
  };

  const sweep = () => {
    const current = Math.floor(now().getTime() / MINUTE_MS);
    if (current !== minute) closeMinute(current);
  };

  const flush = async () => {
    while (reading.size > 0) await Promise.all([...reading]);
    for (const group of [...groups.values(), ...overflow.values()]) appendPending(group);
    while (inFlight.size > 0 || queue.length > 0) {
      pump();
      await Promise.all([...inFlight]);
    }
  };

  const timer = sweepEveryMs > 0 ? setInterval(sweep, sweepEveryMs) : undefined;
  timer?.unref();

  return {
    refused,
    sweep,
    flush,
    stop: async () => {
      if (timer) clearInterval(timer);
      await flush();
    },
  };
}

/** FNV-1a over the account as typed, case and spaces aside: enough to tell a minute's apart. */
function accountHash(account: string): number {
  let hash = 0x811c9dc5;
  const text = account.trim().toLowerCase();
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
