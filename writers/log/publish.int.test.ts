// A publish on the shared reply subscription answers and fails as the client's own publish
// does, so the appender and the link read both alike: the ack, a duplicate, a failed
// expectation, and a subject no stream holds; and a direct get as the client's does.
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATS_URL, testNats } from '../../test/services.ts';
import { connectNats } from './connect.ts';
import { sharedReplies, sharedReplyDirectGet, sharedReplyPublish } from './publish.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let client: JetStreamClient;
let shared: JetStreamClient['publish'];
let subject: string;
let stream: string;
let jsm: Awaited<ReturnType<typeof jetstreamManager>>;

beforeAll(async () => {
  services = await testNats();
  jsm = await jetstreamManager(services.nc);
  stream = `${services.prefix.toUpperCase()}_PUBLISH`;
  subject = `${services.prefix}.publish`;
  await jsm.streams.add({ name: stream, subjects: [`${subject}.>`], allow_direct: true });
  client = jetstream(services.nc);
  shared = sharedReplyPublish(jetstream(services.nc), sharedReplies(services.nc));
});
afterAll(async () => {
  await services?.cleanup();
});

const both = () =>
  [
    ['the client', (...a: Parameters<JetStreamClient['publish']>) => client.publish(...a)],
    ['the shared reply subscription', (...a: Parameters<JetStreamClient['publish']>) => shared(...a)],
  ] as const;

describe.each(both())('a publish through %s', (who, publish) => {
  const on = `${who === 'the client' ? 'c' : 's'}`;

  it('answers the stream, the sequence, and whether it was a duplicate', async () => {
    const first = await publish(`${subject}.${on}.a`, 'one', { msgID: `${on}-a` });
    expect(first).toMatchObject({ stream: expect.stringMatching(/_PUBLISH$/), duplicate: false });
    const again = await publish(`${subject}.${on}.a`, 'one', { msgID: `${on}-a` });
    expect(again).toMatchObject({ seq: first.seq, duplicate: true });
  });

  it('refuses a wrong expected subject sequence with the API error', async () => {
    await publish(`${subject}.${on}.b`, 'one', { expect: { lastSubjectSequence: 0 } });
    const refused = await publish(`${subject}.${on}.b`, 'two', { expect: { lastSubjectSequence: 0 } }).catch(
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(JetStreamApiError);
    expect((refused as JetStreamApiError).code).toBe(JetStreamApiCodes.StreamWrongLastSequence);
  });

  it('says JetStream is not there for a subject no stream holds', async () => {
    const refused = await publish(`${services.prefix}.nowhere.${on}`, 'x').catch((err: unknown) => err);
    expect((refused as Error).name).toBe('JetStreamNotEnabled');
  });
});

it('publishes many at once, each answered with its own sequence', async () => {
  const acks = await Promise.all(
    Array.from({ length: 200 }, (_, i) => shared(`${subject}.many`, `${i}`, { msgID: `many-${i}` })),
  );
  expect(new Set(acks.map((a) => a.seq)).size).toBe(200);
});

describe('a direct get on the shared reply subscription', () => {
  const get = () => sharedReplyDirectGet(jsm.direct, sharedReplies(services.nc));

  it('answers the last message of a subject as the client does', async () => {
    await shared(`${subject}.last`, 'one');
    const ack = await shared(`${subject}.last`, 'two');
    const mine = await get()(stream, { last_by_subj: `${subject}.last` });
    const theirs = await jsm.direct.getMessage(stream, { last_by_subj: `${subject}.last` });
    expect(mine?.seq).toBe(ack.seq);
    expect(mine?.string()).toBe('two');
    expect(mine?.subject).toBe(theirs?.subject);
  });

  it('answers the next message after a sequence, and null past the end', async () => {
    const first = await shared(`${subject}.walk`, 'a');
    await shared(`${subject}.walk`, 'b');
    const next = await get()(stream, { seq: first.seq + 1, next_by_subj: `${subject}.walk` });
    expect(next?.string()).toBe('b');
    expect(await get()(stream, { seq: (next?.seq ?? 0) + 1, next_by_subj: `${subject}.walk` })).toBeNull();
    expect(await get()(stream, { last_by_subj: `${subject}.never` })).toBeNull();
  });
});

describe('when its connection ends', () => {
  const own = async () => {
    const nc = await connectNats({ servers: NATS_URL, name: `test-${services.prefix}-ends` });
    return { nc, publish: sharedReplyPublish(jetstream(nc), sharedReplies(nc)) };
  };

  it('refuses at once while the connection drains, as nc.request does, and stores nothing', async () => {
    const { nc, publish } = await own();
    await publish(`${subject}.drain`, 'before');
    const before = (await jsm.streams.info(stream)).state.messages;
    const draining = nc.drain();
    const refused = await publish(`${subject}.drain`, 'during').catch((err: unknown) => err);
    await draining;
    expect((refused as Error).name).toMatch(/Draining|Closed/);
    expect((await jsm.streams.info(stream)).state.messages).toBe(before);
  });

  it('fails a caller still waiting when the connection closes, without waiting out its time', async () => {
    const { nc, publish } = await own();
    // A subject someone listens on and never answers: only the close can end the wait.
    const listener = services.nc.subscribe(`${services.prefix}.silent`);
    await services.nc.flush();
    const waiting = publish(`${services.prefix}.silent`, 'x', { timeout: 60_000 }).catch(
      (err: unknown) => err,
    );
    const started = performance.now();
    await nc.close();
    const err = (await waiting) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeLessThan(30_000);
    listener.unsubscribe();
  });

  it('names the subject that had no responders, not the first one it was asked', async () => {
    const { nc } = await own();
    const request = sharedReplies(nc);
    await request(`${subject}.first`, 'x');
    const refused = await request(`${services.prefix}.nobody.here`, 'x').catch((err: unknown) => err);
    expect(String((refused as Error).message)).toContain(`${services.prefix}.nobody.here`);
    await nc.close();
  });
});
