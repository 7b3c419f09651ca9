// JetStream publishes on one reply subscription per connection. The client's own publish is a
// request: per call a reply token, a timer, a race of two promises, a spread of the options,
// a backoff object, and an Error built (with its stack) to cancel a request already answered.
// Here a publish is one PUB whose reply lands on a wildcard subscription made once, matched
// to its caller by a counter; one sweep a quarter second ends the ones past their time. What
// it answers and throws is what the client's publish does (the same error classes), so
// callers and the link (link.ts) read both alike. Options it does not know go to the client.
import type { JetStreamClient, JetStreamPublishOptions, PubAck } from '@nats-io/jetstream';
import { JetStreamApiCodes, JetStreamApiError, jserrors } from '@nats-io/jetstream/internal';
import {
  createInbox,
  type Msg,
  type NatsConnection,
  NoRespondersError,
  headers as natsHeaders,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';

/** As the client's: a publish not acknowledged in five seconds has timed out. */
const TIMEOUT_MS = 5000;
const SWEEP_MS = 250;

type Pending = { subject: string; due: number; resolve: (ack: PubAck) => void; reject: (err: Error) => void };
type Publish = JetStreamClient['publish'];

/** The options this path sends itself; anything else (a TTL, a schedule, retries) takes the client's. */
const OWN = new Set(['msgID', 'headers', 'expect', 'timeout']);
const EXPECT = new Set(['lastSubjectSequence', 'lastSequence', 'streamName', 'lastMsgID']);

export function sharedReplyPublish(nc: NatsConnection, js: JetStreamClient): Publish {
  const viaClient = js.publish.bind(js);
  const inbox = createInbox();
  const pending = new Map<string, Pending>();
  let next = 0;
  let sweeper: ReturnType<typeof setInterval> | undefined;
  let subscribed = false;

  const settle = (token: string, msg: Msg) => {
    const p = pending.get(token);
    if (!p) return;
    pending.delete(token);
    try {
      p.resolve(pubAck(msg, p.subject));
    } catch (err) {
      p.reject(err as Error);
    }
  };

  const subscribe = () => {
    subscribed = true;
    nc.subscribe(`${inbox}.*`, {
      callback: (_err, msg) => settle(msg.subject.slice(inbox.length + 1), msg),
    });
  };

  const sweep = () => {
    const now = performance.now();
    for (const [token, p] of pending) {
      if (p.due > now) continue;
      pending.delete(token);
      p.reject(new TimeoutError());
    }
    if (pending.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  return (subject, payload, options?: Partial<JetStreamPublishOptions>) => {
    if (!ownOptions(options)) return viaClient(subject, payload, options);
    if (!subscribed) subscribe();
    const h = options?.headers ?? natsHeaders();
    if (options?.msgID) h.set('Nats-Msg-Id', options.msgID);
    const expect = options?.expect;
    if (expect?.lastMsgID) h.set('Nats-Expected-Last-Msg-Id', expect.lastMsgID);
    if (expect?.streamName) h.set('Nats-Expected-Stream', expect.streamName);
    if (typeof expect?.lastSequence === 'number')
      h.set('Nats-Expected-Last-Sequence', `${expect.lastSequence}`);
    if (typeof expect?.lastSubjectSequence === 'number')
      h.set('Nats-Expected-Last-Subject-Sequence', `${expect.lastSubjectSequence}`);
    const token = `${next++}`;
    return new Promise<PubAck>((resolve, reject) => {
      pending.set(token, {
        subject,
        due: performance.now() + (options?.timeout ?? TIMEOUT_MS),
        resolve,
        reject,
      });
      sweeper ??= setInterval(sweep, SWEEP_MS).unref();
      try {
        nc.publish(subject, payload, { reply: `${inbox}.${token}`, headers: h });
      } catch (err) {
        pending.delete(token);
        reject(err as Error);
      }
    });
  };
}

function ownOptions(options: Partial<JetStreamPublishOptions> | undefined): boolean {
  if (!options) return true;
  for (const [key, value] of Object.entries(options)) if (value !== undefined && !OWN.has(key)) return false;
  for (const [key, value] of Object.entries(options.expect ?? {}))
    if (value !== undefined && !EXPECT.has(key)) return false;
  return true;
}

/** The answer as the client's publish reads it (jsclient.ts, parseJsResponse). */
function pubAck(msg: Msg, subject: string): PubAck {
  if (msg.data.length === 0 && msg.headers?.code === 503) {
    const cause = new RequestError(new NoRespondersError(subject).message, {
      cause: new NoRespondersError(subject),
    });
    throw new jserrors.JetStreamNotEnabled('jetstream is not enabled', { cause });
  }
  const v = msg.json<PubAck & { error?: ConstructorParameters<typeof JetStreamApiError>[0] }>();
  if (v.error) {
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
  if (!v.stream) throw new jserrors.JetStreamError('invalid ack response');
  v.duplicate = v.duplicate ?? false;
  return v;
}
