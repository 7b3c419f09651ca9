// A publish on the shared reply subscription answers and fails as the client's own publish
// does, so the appender and the link read both alike: the ack, a duplicate, a failed
// expectation, and a subject no stream holds.
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNats } from '../../test/services.ts';
import { sharedReplyPublish } from './publish.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let client: JetStreamClient;
let shared: JetStreamClient['publish'];
let subject: string;

beforeAll(async () => {
  services = await testNats();
  const jsm = await jetstreamManager(services.nc);
  const stream = `${services.prefix.toUpperCase()}_PUBLISH`;
  subject = `${services.prefix}.publish`;
  await jsm.streams.add({ name: stream, subjects: [`${subject}.>`] });
  client = jetstream(services.nc);
  shared = sharedReplyPublish(services.nc, jetstream(services.nc));
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
