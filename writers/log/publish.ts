// JetStream publishes and direct gets on one reply subscription per connection. The client
// makes each of them a request: per call a reply token, a timer, a race of two promises, a
// spread of the options, a backoff object, and an Error built (with its stack) to cancel a
// request already answered. Here a call is one PUB whose reply lands on a wildcard
// subscription made once, matched to its caller by a counter; one sweep a quarter second ends
// the ones past their time. What they answer and throw is what the client's do (the same
// error classes), so callers and the link (link.ts) read both alike. Options these do not
// know go to the client.
import type { DirectStreamAPI, JetStreamClient, JetStreamPublishOptions, PubAck } from '@nats-io/jetstream';
import {
  DirectMsgImpl,
  JetStreamApiCodes,
  JetStreamApiError,
  JetStreamStatus,
  jserrors,
} from '@nats-io/jetstream/internal';
import {
  ClosedConnectionError,
  createInbox,
  DrainingConnectionError,
  Empty,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  NoRespondersError,
  headers as natsHeaders,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';

/** As the client's: an answer not there in five seconds has timed out. */
const TIMEOUT_MS = 5000;
const SWEEP_MS = 250;
const API = '$JS.API';

type Pending = {
  due: number;
  subject: string;
  resolve: (msg: Msg) => void;
  reject: (err: Error) => void;
};
type Request = (
  subject: string,
  payload: Uint8Array | string,
  h?: MsgHdrs,
  timeoutMs?: number,
) => Promise<Msg>;

/** A request as nc.request answers it (no responders: a RequestError caused by NoRespondersError). */
export function sharedReplies(nc: NatsConnection): Request {
  // The connection's own inbox prefix: an account whose user may only subscribe under it.
  const prefix = (nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix;
  const inbox = createInbox(prefix);
  const pending = new Map<string, Pending>();
  let next = 0;
  let sweeper: ReturnType<typeof setInterval> | undefined;
  let subscribed = false;

  const stopSweeping = () => {
    if (sweeper) clearInterval(sweeper);
    sweeper = undefined;
  };
  /** Every caller waiting gets `err` at once, as the client's requests do. */
  const failAll = (err: Error) => {
    const waiting = [...pending.values()];
    pending.clear();
    stopSweeping();
    for (const p of waiting) p.reject(err);
  };
  const sweep = () => {
    const now = performance.now();
    for (const [token, p] of pending) {
      if (p.due > now) continue;
      pending.delete(token);
      p.reject(new TimeoutError());
    }
    if (pending.size === 0) stopSweeping();
  };
  // A closed connection answers nothing more: its callers hear so now, not at their timeout.
  nc.closed()
    .then(() => failAll(new RequestError('connection closed', { cause: new ClosedConnectionError() })))
    .catch(() => undefined);

  const subscribe = () => {
    subscribed = true;
    nc.subscribe(`${inbox}.*`, {
      callback: (err, msg) => {
        // A refused subscription (a permission): nothing will come, and it is made again next call.
        if (err || !msg) {
          subscribed = false;
          failAll(err ?? new RequestError('reply subscription ended'));
          return;
        }
        const token = msg.subject.slice(inbox.length + 1);
        const p = pending.get(token);
        if (!p) return;
        pending.delete(token);
        if (msg.data.length === 0 && msg.headers?.code === 503) {
          const cause = new NoRespondersError(p.subject);
          p.reject(new RequestError(cause.message, { cause }));
        } else p.resolve(msg);
      },
    });
  };

  return (subject, payload, h, timeoutMs) => {
    if (nc.isClosed()) return Promise.reject(new ClosedConnectionError());
    // As nc.request: nothing is sent once a drain has begun (its replies could not arrive).
    if (nc.isDraining()) return Promise.reject(new DrainingConnectionError());
    if (!subscribed) subscribe();
    const token = `${next++}`;
    return new Promise<Msg>((resolve, reject) => {
      // 0 or none: the default, as the client reads it.
      const due = performance.now() + (timeoutMs || TIMEOUT_MS);
      pending.set(token, { due, subject, resolve, reject });
      sweeper ??= setInterval(sweep, SWEEP_MS).unref();
      try {
        nc.publish(subject, payload, { reply: `${inbox}.${token}`, ...(h ? { headers: h } : {}) });
      } catch (err) {
        pending.delete(token);
        reject(err as Error);
      }
    });
  };
}

/** The options this publish sends itself; anything else (a TTL, a schedule, retries) takes the client's. */
const OWN = new Set(['msgID', 'headers', 'expect', 'timeout']);
const EXPECT = new Set(['lastSubjectSequence', 'lastSequence', 'streamName', 'lastMsgID']);

export function sharedReplyPublish(js: JetStreamClient, request: Request): JetStreamClient['publish'] {
  const viaClient = js.publish.bind(js);
  return async (subject, payload, options?: Partial<JetStreamPublishOptions>) => {
    if (!ownOptions(options)) return viaClient(subject, payload, options);
    const h = options?.headers ?? natsHeaders();
    if (options?.msgID) h.set('Nats-Msg-Id', options.msgID);
    const expect = options?.expect;
    if (expect?.lastMsgID) h.set('Nats-Expected-Last-Msg-Id', expect.lastMsgID);
    if (expect?.streamName) h.set('Nats-Expected-Stream', expect.streamName);
    if (typeof expect?.lastSequence === 'number')
      h.set('Nats-Expected-Last-Sequence', `${expect.lastSequence}`);
    if (typeof expect?.lastSubjectSequence === 'number')
      h.set('Nats-Expected-Last-Subject-Sequence', `${expect.lastSubjectSequence}`);
    let msg: Msg;
    try {
      msg = await request(subject, payload ?? Empty, h, options?.timeout);
    } catch (err) {
      // As the client's publish words it.
      if (err instanceof RequestError && err.isNoResponders())
        throw new jserrors.JetStreamNotEnabled('jetstream is not enabled', { cause: err });
      throw err;
    }
    const ack = apiAnswer<PubAck>(msg);
    if (!ack.stream) throw new jserrors.JetStreamError('invalid ack response');
    ack.duplicate = ack.duplicate ?? false;
    return ack;
  };
}

/** A direct get as the client's answers it: the message, null when there is none, or the status as an error. */
export function sharedReplyDirectGet(
  direct: DirectStreamAPI,
  request: Request,
): DirectStreamAPI['getMessage'] {
  const viaClient = direct.getMessage.bind(direct);
  return async (stream, query) => {
    // Only the two reads the log makes (fold.ts): the last of a subject, the next after a sequence.
    const keys = Object.keys(query);
    const last = 'last_by_subj' in query && keys.length === 1 ? query.last_by_subj : undefined;
    const nextBy = keys.every((k) => k === 'seq' || k === 'next_by_subj');
    if (last === undefined && !nextBy) return viaClient(stream, query);
    const msg = await request(
      last === undefined ? `${API}.DIRECT.GET.${stream}` : `${API}.DIRECT.GET.${stream}.${last}`,
      last === undefined ? JSON.stringify(query) : Empty,
    );
    if (msg.headers?.code !== 0) {
      const status = new JetStreamStatus(msg);
      if (status.isMessageNotFound()) return null;
      throw status.toError();
    }
    return new DirectMsgImpl(msg);
  };
}

function ownOptions(options: Partial<JetStreamPublishOptions> | undefined): boolean {
  if (!options) return true;
  for (const [key, value] of Object.entries(options)) if (value !== undefined && !OWN.has(key)) return false;
  for (const [key, value] of Object.entries(options.expect ?? {}))
    if (value !== undefined && !EXPECT.has(key)) return false;
  return true;
}

/** An API answer as the client reads it (parseJsResponse): its error thrown as the client's class. */
function apiAnswer<T>(msg: Msg): T {
  const v = msg.json<T & { error?: ConstructorParameters<typeof JetStreamApiError>[0] }>();
  if (!v.error) return v;
  switch (v.error.err_code) {
    case JetStreamApiCodes.StreamNotFound:
      throw new jserrors.StreamNotFoundError(v.error);
    case JetStreamApiCodes.JetStreamNotEnabledForAccount: {
      const err = new JetStreamApiError(v.error);
      throw new jserrors.JetStreamNotEnabled(err.message, { cause: err });
    }
    default:
      throw new JetStreamApiError(v.error);
  }
}
