import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import type { PubAck } from '@nats-io/jetstream';
import { LRUCache } from 'lru-cache';
import { commonErrors, HearthError } from '../../contracts/errors.ts';
import type { Envelope, EventOf } from '../../contracts/events.ts';
import type { Domain, Names } from '../../contracts/subjects.ts';
import { tracedAppend } from './append-trace.ts';
import { encode, eventHeaders, ownersOf } from './encode.ts';
import { appendedWith, foldAggregate } from './fold.ts';
import {
  type Claim,
  checkFingerprint,
  claimLedger,
  isWrongLastSequence,
  type LedgerEntry,
  ledgerKey,
  readLedger,
  writeLedger,
} from './ledger.ts';
import { toUnavailable } from './link.ts';
import { hashKey, type Log } from './open.ts';
import { writeSnapshot } from './snapshot.ts';

export { hashKey };

export type Decider<S, C, E> = {
  initialState: S;
  evolve: (state: S, event: E) => S;
  /** Pure and synchronous: no I/O, no clock. Throws a HearthError when the command is refused. */
  decide: (command: C, state: S) => E[];
};

export type AggregateType<S, C, Env extends Envelope> = {
  domain: Domain;
  envelope: GenMessage<Env>;
  subject: (names: Names, id: string) => string;
  decider: Decider<S, C, EventOf<Env>>;
  /**
   * 'optimistic' when decisions read state; 'none' for subjects that only accumulate facts,
   * where serialising writers would buy nothing (their decisions get the initial state).
   */
  concurrency: 'optimistic' | 'none';
  /**
   * Also keep a snapshot every SNAPSHOT_EVERY events, so loading a long history stays short.
   * (Every type gets one from the log keeper before its old events expire.)
   */
  snapshot?: boolean;
  /**
   * What a snapshot of the state keeps (absent: all of it). A snapshot outlives its events and
   * is never sealed, so it keeps no personal data (personal.proto): a member's erasure must
   * not leave their words in the snapshots bucket. Decisions read the state loaded from it.
   */
  keep?: (state: S) => S;
  /**
   * Commands that create their subject (a new message): the first attempt decides on the
   * initial state without loading, and the expected sequence 0 checks the guess. A subject
   * that exists after all costs what a stale cache costs: one failed publish and a reload.
   */
  expectsNew?(command: C): boolean;
};

/** The state as a snapshot of it keeps it: without personal data (AggregateType.keep). */
export function snapshotState<S, C, Env extends Envelope>(type: AggregateType<S, C, Env>, state: S): S {
  return type.keep ? type.keep(state) : state;
}

export type CommandMeta = {
  /** From the Idempotency-Key (scoped to the actor) or generated; becomes Nats-Msg-Id. */
  commandId: string;
  actorId: string;
  onBehalfOf?: string | undefined;
  correlationId: string;
  causationId?: string | undefined;
  now: Date;
  traceparent?: string | undefined;
  /** Hash of the request; a reused key with another request is refused. */
  fingerprint?: string | undefined;
  /**
   * False when the id was generated here, so no retry can ever present it again and the
   * ledger round trips are skipped. Client keys and keys derived by reactors keep the ledger.
   */
  retryable?: boolean | undefined;
  /** Set by claim(): the command's ledger entry, so the append does not read it again. */
  claim?: Claim | undefined;
  /**
   * Where the command came from (edge/http/client-address.ts) and its User-Agent, cleaned:
   * stored in the event's metadata only, never as headers (they are personal data, and
   * headers reach every integrator). Absent for the system's own commands.
   */
  clientIp?: string | undefined;
  userAgent?: string | undefined;
};

export type AppendResult = {
  stream: string;
  /** Stream sequence of the aggregate's last event after this command. */
  seq: number;
  appended: number;
  duplicate: boolean;
};

const MAX_ATTEMPTS = 5;
export const SNAPSHOT_EVERY = 20;
const CACHE_LIMIT = 10_000;

export type Appender = {
  append: <S, C, Env extends Envelope>(input: {
    type: AggregateType<S, C, Env>;
    id: string;
    command: C;
    meta: CommandMeta;
  }) => Promise<AppendResult>;
  load: <S, C, Env extends Envelope>(type: AggregateType<S, C, Env>, id: string) => Promise<Loaded<S>>;
  /**
   * For a command that generates values (ids) before it is decided: claims them and its time
   * in the ledger under its id, or answers those of its first attempt, so a retry addresses
   * what the first one created. A command that cannot be retried claims nothing, at no cost.
   */
  claim: <T>(input: { meta: CommandMeta; made: T }) => Promise<{ meta: CommandMeta; made: T }>;
};

type Loaded<S> = { state: S; seq: number; sinceSnapshot?: number };

export function createAppender({
  log,
  onAppended,
}: {
  log: Log;
  onAppended?: (typeName: string) => void;
}): Appender {
  // Last known state per aggregate subject. A stale entry only costs one failed
  // expectation and a reload, so it is safe across processes.
  const cache = new LRUCache<string, Loaded<unknown>>({ max: CACHE_LIMIT });

  async function load<S, C, Env extends Envelope>(type: AggregateType<S, C, Env>, id: string) {
    const subject = type.subject(log.names, id);
    const hit = cache.get(subject) as Loaded<S> | undefined;
    if (hit) return hit;
    const { state, seq, folded } = await foldAggregate({ log, type, subject });
    // Counted from the snapshot, so the next one is written on time.
    const loaded: Loaded<S> = { state, seq, sinceSnapshot: folded };
    cache.set(subject, loaded);
    return loaded;
  }

  // Decisions on subjects without concurrency control read no state: skip loading it.
  const loadFor = async <S, C, Env extends Envelope>(
    type: AggregateType<S, C, Env>,
    id: string,
  ): Promise<Loaded<S>> =>
    type.concurrency === 'none' ? { state: type.decider.initialState, seq: 0 } : load(type, id);

  async function append<S, C, Env extends Envelope>({
    type,
    id,
    command,
    meta,
  }: {
    type: AggregateType<S, C, Env>;
    id: string;
    command: C;
    meta: CommandMeta;
  }): Promise<AppendResult> {
    const stream = log.names.stream(type.domain);
    const subject = type.subject(log.names, id);
    const key = ledgerKey(meta.commandId);
    const ledgered = meta.retryable !== false;
    const previous = ledgered ? (meta.claim?.entry ?? (await readLedger(log, key))) : undefined;
    if (previous) {
      checkFingerprint(previous, meta.fingerprint);
      if (previous.seq !== undefined) {
        return { stream, seq: previous.seq, appended: previous.appended ?? 0, duplicate: true };
      }
    }
    // Begun before and never answered: a duplicate publish is this very command's, appended then.
    const resumed = meta.claim ? meta.claim.resumed : previous !== undefined;
    const answered = (seq: number, appended: number): Promise<void> =>
      writeLedger(log, key, { ...previous, seq, appended, fingerprint: meta.fingerprint });

    let raced = false;
    // The refusal on the stored state of a resumed command, while it is decided as new instead.
    let asNew: HearthError | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const subjectCached = cache.has(subject);
      const guessed =
        asNew !== undefined ||
        (attempt === 1 &&
          !subjectCached &&
          type.concurrency === 'optimistic' &&
          type.expectsNew?.(command) === true);
      const {
        state,
        seq,
        sinceSnapshot: loadedSince,
      } = guessed
        ? { state: type.decider.initialState, seq: 0, sinceSnapshot: undefined }
        : await loadFor(type, id);
      let events: EventOf<Env>[];
      try {
        events = type.decider.decide(command, state);
      } catch (err) {
        if (asNew) throw asNew;
        // Cached or guessed state may be stale (another process appended): refuse only on fresh state.
        if ((subjectCached || guessed) && err instanceof HearthError) {
          cache.delete(subject);
          continue;
        }
        // A create refused because it exists may have been created by this command's first
        // attempt: decided as new, its publish is then a duplicate the log recognises.
        if (resumed && err instanceof HearthError && type.concurrency === 'optimistic') {
          asNew = err;
          continue;
        }
        // A refusal after a lost race means the decision no longer holds.
        if (raced && err instanceof HearthError) {
          throw commonErrors.conflict(`Changed concurrently: ${err.message}`, { reason: err.code });
        }
        throw err;
      }
      if (events.length === 0) {
        if (asNew) throw asNew;
        // Nothing to append answers with the subject's sequence, which a guess does not know.
        if (guessed) continue;
        // A claimed command keeps this answer too, so its retry answers the same.
        if (meta.claim) await answered(seq, 0);
        return { stream, seq, appended: 0, duplicate: false };
      }

      try {
        let expected = seq;
        let next = state;
        let duplicate = false;
        let unknown = false;
        // One publish per event: nats-server 2.9 has no atomic batch. A decider that emits more
        // than one must finish the rest when asked again after only the first got written
        // (the match's last confirmation and its settlement do).
        await log.link.reach(() => log.keys.ready(ownersOf(type.envelope, events)));
        for (const [i, event] of events.entries()) {
          const ack: PubAck = await log.link.reach(() =>
            log.js.publish(subject, encode(type.envelope, event, meta, log.keys), {
              msgID: events.length === 1 ? key : `${key}-${i}`,
              headers: eventHeaders(event, meta),
              ...(type.concurrency === 'optimistic' ? { expect: { lastSubjectSequence: expected } } : {}),
            }),
          );
          // A duplicate of a guess says nothing of what is stored (the same id may carry another
          // request): decide again on the loaded state, unless the ledger vouched for the request.
          if (ack.duplicate && guessed && !resumed) {
            unknown = true;
            break;
          }
          duplicate ||= ack.duplicate;
          expected = ack.seq;
          next = type.decider.evolve(next, event);
          onAppended?.(event.value.$typeName);
        }
        if (unknown) continue;
        const result = { stream, seq: expected, appended: events.length, duplicate };
        const since = (loadedSince ?? 0) + events.length;
        const snapshotDue = type.snapshot === true && !duplicate && since >= SNAPSHOT_EVERY;
        if (duplicate || type.concurrency === 'none') cache.delete(subject);
        else cache.set(subject, { state: next, seq: expected, sinceSnapshot: snapshotDue ? 0 : since });
        if (ledgered) await answered(expected, events.length);
        if (snapshotDue) {
          const state = snapshotState(type, next);
          await log.link.reach(() => writeSnapshot(log.snapshots, subject, { seq: expected, state }));
        }
        return result;
      } catch (err) {
        if (isWrongLastSequence(err)) {
          // Not appended by the first attempt, or appended before the duplicate window ended.
          if (asNew) return finishResumed({ type, id, events, key, meta, asNew, answered });
          cache.delete(subject);
          // A wrong guess is no race: the reloaded decision answers for itself.
          raced ||= !guessed;
          continue;
        }
        throw toUnavailable(err);
      }
    }
    throw commonErrors.conflict();
  }

  /**
   * A resumed command whose first attempt appended some or all of its events longer ago than
   * the duplicate window remembers: those are found by their message ids on the aggregate, the
   * rest are appended, and the answer is the first attempt's. None found: the refusal stands.
   */
  async function finishResumed<S, C, Env extends Envelope>({
    type,
    id,
    events,
    key,
    meta,
    asNew,
    answered,
  }: {
    type: AggregateType<S, C, Env>;
    id: string;
    events: EventOf<Env>[];
    key: string;
    meta: CommandMeta;
    asNew: HearthError;
    answered: (seq: number, appended: number) => Promise<void>;
  }): Promise<AppendResult> {
    const stream = log.names.stream(type.domain);
    const subject = type.subject(log.names, id);
    const msgIds = events.map((_, i) => (events.length === 1 ? key : `${key}-${i}`));
    const found = await appendedWith({ log, stream, subject, msgIds });
    if (found.size === 0) throw asNew;
    cache.delete(subject);
    let last = Math.max(...found.values());
    let { seq: expected } = await load(type, id);
    try {
      await log.link.reach(() => log.keys.ready(ownersOf(type.envelope, events)));
      for (const [i, event] of events.entries()) {
        if (found.has(msgIds[i] as string)) continue;
        const ack = await log.link.reach(() =>
          log.js.publish(subject, encode(type.envelope, event, meta, log.keys), {
            msgID: msgIds[i] as string,
            headers: eventHeaders(event, meta),
            expect: { lastSubjectSequence: expected },
          }),
        );
        expected = ack.seq;
        last = ack.seq;
        onAppended?.(event.value.$typeName);
      }
    } catch (err) {
      cache.delete(subject);
      if (isWrongLastSequence(err)) throw commonErrors.conflict();
      throw toUnavailable(err);
    }
    cache.delete(subject);
    await answered(last, events.length);
    return { stream, seq: last, appended: events.length, duplicate: true };
  }

  async function claim<T>({ meta, made }: { meta: CommandMeta; made: T }) {
    if (meta.retryable === false) return { meta, made };
    const entry: LedgerEntry = { fingerprint: meta.fingerprint, now: meta.now.toISOString(), made };
    const found = await claimLedger({ log, key: ledgerKey(meta.commandId), entry });
    if (!found) return { meta, made };
    const first = found.entry;
    return {
      meta: { ...meta, now: first.now ? new Date(first.now) : meta.now, claim: found },
      // Written by the same request (the fingerprint matched), so of the same shape.
      made: first.made === undefined ? made : (first.made as T),
    };
  }

  return { append: tracedAppend(log, append), load, claim };
}
