// The connection to the log as its readers and writers see it: up, away, or back and making
// again what the server lost. While it is away, asking would only wait for a timeout (the
// client keeps a request until it reconnects), so every read and write is refused at once as
// unavailable; one already on its way when the connection drops is answered then, not at its
// timeout, and nobody joins it afterwards.
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { commonErrors, HearthError } from '../../contracts/errors.ts';
import { createUpkeep, isStreamNotFound, type Need } from './upkeep.ts';

export type { Need };

export type Link = {
  /** Connected, and what was lost in a restart made again (or tried). */
  up: () => boolean;
  /**
   * Runs one request against the log, refused at once while away and settled as unavailable
   * when the connection drops under it. A request that found its stream or bucket missing
   * makes what is missing and goes once more. Other failures are the caller's to read.
   */
  reach: <T>(op: () => Promise<T>) => Promise<T>;
  /** Aborted when the connection drops: work bound to one connection (a projector's consumer). */
  signal: () => AbortSignal;
  /** Resolves once the link is up, or once `signal` aborts. */
  whenUp: (signal?: AbortSignal) => Promise<void>;
  /** Something this process needs on the server: made again whenever found missing. */
  need: (need: Need) => void;
  /** The needed streams and buckets the server does not have (for /ready). */
  missing: () => Promise<string[]>;
  /** After each reconnect, once what the server lost is made again. Returns its removal. */
  onBack: (listener: () => void) => () => void;
  /** Whenever something needed was found missing and made again. */
  onMade: (listener: (streams: string[]) => void) => void;
};

/** How long a request waits for the log to be made whole after a reconnect before it is refused. */
const RESTORE_WAIT_MS = 2000;
/** A timeout may be a bucket gone (a direct get to no stream times out): look, but not more often. */
const LOOK_EVERY_MS = 1000;

export function createLink({ nc, jsm }: { nc: NatsConnection; jsm: JetStreamManager }): Link {
  const upkeep = createUpkeep({ jsm });
  let up = !nc.isClosed();
  let connection = new AbortController();
  let back: Promise<void> | undefined;
  let lookedAt = 0;
  const inflight = new Set<() => void>();
  const waiters = new Set<() => void>();
  const backListeners: (() => void)[] = [];
  const madeListeners: ((streams: string[]) => void)[] = [];

  const restore = async (): Promise<string[]> => {
    lookedAt = Date.now();
    const made = await upkeep.restore();
    if (made.length > 0) for (const l of madeListeners) l(made);
    return made;
  };

  const away = () => {
    up = false;
    connection.abort();
    for (const drop of [...inflight]) drop();
  };

  const reconnected = async (current: AbortSignal) => {
    await withTimeout(restore(), RESTORE_WAIT_MS).catch(() => undefined);
    if (current.aborted || nc.isClosed()) return;
    up = true;
    for (const wake of [...waiters]) wake();
    // One listener's failure must not keep the others from hearing, nor end the process.
    for (const l of [...backListeners]) {
      try {
        l();
      } catch {
        // Each listener reports its own failures.
      }
    }
  };

  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') away();
      else if (s.type === 'reconnect') {
        connection = new AbortController();
        back = reconnected(connection.signal);
      }
    }
  })().catch(() => undefined);
  void nc.closed().then(away);

  /** The request, settled as unavailable if the connection drops before it answers. */
  const bound = <T>(op: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const drop = () => reject(unavailable());
      inflight.add(drop);
      const done = () => inflight.delete(drop);
      try {
        op().then(resolve, reject).finally(done);
      } catch (err) {
        done();
        reject(err);
      }
    });

  async function reach<T>(op: () => Promise<T>): Promise<T> {
    if (!up && back && !connection.signal.aborted) await back;
    if (!up) throw unavailable();
    try {
      return await bound(op);
    } catch (err) {
      // Made again here, or by another process a moment ago: either way it is there now.
      if (isMissing(err)) {
        const restored = await restore().then(
          () => true,
          () => false,
        );
        if (restored) return bound(op);
      } else if (isTimeout(err) && Date.now() - lookedAt > LOOK_EVERY_MS) {
        void restore().catch(() => undefined);
      }
      throw err;
    }
  }

  return {
    up: () => up,
    reach,
    signal: () => connection.signal,
    whenUp: (signal) =>
      up || signal?.aborted
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const wake = () => {
              waiters.delete(wake);
              signal?.removeEventListener('abort', wake);
              resolve();
            };
            waiters.add(wake);
            signal?.addEventListener('abort', wake, { once: true });
          }),
    need: upkeep.need,
    missing: upkeep.missing,
    onBack: (listener) => {
      backListeners.push(listener);
      return () => {
        const at = backListeners.indexOf(listener);
        if (at >= 0) backListeners.splice(at, 1);
      };
    },
    onMade: (listener) => {
      madeListeners.push(listener);
    },
  };
}

/** The log is away (or answered with a failure that is not a decision): the client may retry. */
export function toUnavailable(err: unknown): Error {
  if (err instanceof HearthError) return err;
  const failure = unavailable();
  failure.cause = err;
  return failure;
}

/** Seconds a client is told to wait: a NATS client reconnects within a second of its server's return. */
export const LOG_RETRY_AFTER_SECONDS = 1;

const unavailable = () =>
  commonErrors.unavailable('The event log is unavailable; retry shortly.', {
    retryAfterSeconds: LOG_RETRY_AFTER_SECONDS,
  });

/** The stream a request addresses is not there: a publish to it finds no responders. */
function isMissing(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'JetStreamNotEnabled' || isStreamNotFound(err)) return true;
  return (
    err.name === 'RequestError' && (err as { isNoResponders?: () => boolean }).isNoResponders?.() === true
  );
}

const isTimeout = (err: unknown) => err instanceof Error && err.name === 'TimeoutError';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
