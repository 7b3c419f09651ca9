// HEARTH_STREAM_REPLICAS reaches every stream and bucket: the memory buckets too, and an
// existing stream is updated to a changed count (a cluster then moves it; a single server
// records the count it is given).
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenStore } from '../../edge/socket/tokens.ts';
import { testNats } from '../../test/services.ts';
import { ensureStream, type Log, openLog } from './open.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;
let jsm: JetStreamManager;

beforeAll(async () => {
  services = await testNats();
  log = await openLog({ nc: services.nc, names: services.names, replicas: 1 });
  jsm = await jetstreamManager(services.nc);
});
afterAll(async () => {
  await services?.cleanup();
});

describe('stream replicas', () => {
  it('are part of the check that brings an existing stream to its configuration', async () => {
    const stream = log.names.stream('chat');
    expect((await jsm.streams.info(stream)).config.num_replicas).toBe(1);
    const ensure = (replicas: number) => ensureStream({ jsm, names: log.names, domain: 'chat', replicas });
    // A single server keeps the count it is given (it has no peers to place replicas on).
    await ensure(3);
    expect((await jsm.streams.info(stream)).config.num_replicas).toBe(3);
    await ensure(1);
    expect((await jsm.streams.info(stream)).config.num_replicas).toBe(1);
  });

  it('reach the memory buckets', async () => {
    expect(log.replicas).toBe(1);
    await createTokenStore({ log });
    const info = await jsm.streams.info(`KV_${log.names.kvBucket('ws_tokens')}`);
    expect(info.config.num_replicas).toBe(log.replicas);
    expect(info.config.storage).toBe('memory');
  });
});
