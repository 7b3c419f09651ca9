// Refused attempts onto the AUDIT stream, coalesced so a storm costs a few events. A group is
// one actor (signed out: one client address), one kind and one action within one minute: its
// first attempt is appended at once, the rest of its minute are counted and appended as one
// event when the minute is over (or on stop). Recording never waits on the log and never
// throws; while the log is away refusals are dropped, with one log line a minute.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import type { AuditWriter } from '../../writers/audit/commands.ts';
import { refusalIdOf } from '../../writers/audit/refusal.ts';
import type { RefusedAttempt } from '../http/deps.ts';

export type Refusals = {
  refused: (attempt: RefusedAttempt) => void;
  /** Appends the counts of minutes that are over (the timer calls it every second). */
  sweep: () => void;
  /** Appends every count still held, then waits for every append in flight. */
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
  firstAt?: Date;
  lastAt?: Date;
};

const MINUTE_MS = 60_000;

export function createRefusals({
  writer,
  logger,
  now = () => new Date(),
  maxGroups = 1000,
  maxInFlight = 100,
  sweepEveryMs = 1000,
  recorder = randomUUID(),
}: {
  writer: Pick<AuditWriter, 'recordRefusal'>;
  logger: Logger;
  /** Tests move the clock by hand. */
  now?: () => Date;
  /** Groups held per minute; past them, attempts fold into one overflow group per kind. */
  maxGroups?: number;
  /** Appends waiting on the log at once; past them, refusals are dropped, not queued. */
  maxInFlight?: number;
  /** 0: no timer (tests call sweep). */
  sweepEveryMs?: number;
  /** This process's name in refusal ids (edge/audit and writers/audit/refusal.ts). */
  recorder?: string;
}): Refusals {
  let minute = Math.floor(now().getTime() / MINUTE_MS);
  let groups = new Map<string, Group>();
  let overflow = new Map<RefusalKind, Group>();
  const inFlight = new Set<Promise<void>>();
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

  /** Appends `count` attempts of the group as its next part. */
  const append = (group: Group, attempt: RefusedAttempt, count: number, firstAt: Date, lastAt: Date) => {
    if (inFlight.size >= maxInFlight) {
      drop(count, new Error('too many refusals waiting on the log'));
      return;
    }
    const refusalId = refusalIdOf({ recorder, ...group, part: group.parts });
    group.parts += 1;
    const done = writer
      .recordRefusal(
        {
          refusalId,
          kind: group.kind,
          action: group.action,
          target: group.action === OVERFLOW_ACTION ? '' : (attempt.target ?? ''),
          code: attempt.code,
          count,
          firstAt,
          lastAt,
          account: attempt.account ?? '',
        },
        {
          // The id is the group's part: a retried publish is a duplicate, never a second record.
          commandId: refusalId,
          retryable: false,
          actorId: attempt.actorId ?? '',
          onBehalfOf: attempt.onBehalfOf,
          correlationId: refusalId,
          now: lastAt,
          clientIp: attempt.clientIp,
          userAgent: attempt.userAgent,
        },
      )
      .then(
        () => undefined,
        (err: unknown) => drop(count, err),
      );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  const appendPending = (group: Group) => {
    if (group.pending === 0 || !group.sample || !group.firstAt || !group.lastAt) return;
    append(group, group.sample, group.pending, group.firstAt, group.lastAt);
    group.pending = 0;
    group.sample = undefined;
    group.firstAt = undefined;
    group.lastAt = undefined;
  };

  /** The minute is over: its counts are appended and its groups forgotten. */
  const closeMinute = (next: number) => {
    const closing = [...groups.values(), ...overflow.values()];
    groups = new Map();
    overflow = new Map();
    minute = next;
    for (const group of closing) appendPending(group);
  };

  const record = (attempt: RefusedAttempt) => {
    const at = now();
    const current = Math.floor(at.getTime() / MINUTE_MS);
    if (current !== minute) closeMinute(current);
    const who = attempt.actorId || attempt.clientIp;
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
      };
      if (full) overflow.set(attempt.kind, group);
      else groups.set(key, group);
      append(group, attempt, 1, at, at);
      return;
    }
    group.pending += 1;
    group.sample ??= attempt;
    group.firstAt ??= at;
    group.lastAt = at;
  };

  const refused = (attempt: RefusedAttempt) => {
    try {
      record(attempt);
    } catch (err) {
      logger.error({ err }, 'could not record a refused attempt');
    }
  };

  const sweep = () => {
    const current = Math.floor(now().getTime() / MINUTE_MS);
    if (current !== minute) closeMinute(current);
  };

  const flush = async () => {
    for (const group of [...groups.values(), ...overflow.values()]) appendPending(group);
    while (inFlight.size > 0) await Promise.all([...inFlight]);
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
