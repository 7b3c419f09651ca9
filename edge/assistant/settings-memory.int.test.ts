// The admins' settings held in an edge's memory, on real NATS: a change appended anywhere (here
// by a writer of its own, as by another edge) is held without asking the read model again.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNats } from '../../test/services.ts';
import { createAssistantWriter } from '../../writers/assistant/commands.ts';
import { createAppender } from '../../writers/log/append.ts';
import { type Log, openLog } from '../../writers/log/open.ts';
import { createSettingsMemory, followSettings } from './settings-memory.ts';

let nats: Awaited<ReturnType<typeof testNats>>;
let log: Log;
beforeAll(async () => {
  nats = await testNats();
  log = await openLog({ nc: nats.nc, names: nats.names });
});
afterAll(() => nats.cleanup());

const meta = (n: number) => ({
  commandId: `settings-${n}`,
  actorId: 'admin',
  correlationId: `settings-${n}`,
  now: new Date(),
  retryable: false,
});

describe('an edge holding the assistant settings', () => {
  it('holds a change made through another edge as soon as it is appended', async () => {
    let reads = 0;
    const memory = createSettingsMemory({
      load: async () => {
        reads++;
        return { version: 0, allowed_models: [], quotas: [] };
      },
      maxAgeMs: 60_000,
    });
    expect((await memory.get()).version).toBe(0);
    const following = await followSettings({ log, logger: pino({ level: 'silent' }), memory });
    try {
      const writer = createAssistantWriter({ appender: createAppender({ log }) });
      await writer.changeSettings(
        {
          expectedVersion: 0,
          allowedModels: [{ role: 'child', models: ['llama3.2'] }],
          quotas: [{ memberId: 'ann', tokensPerDay: 0, requestsPerMinute: 3 }],
        },
        meta(1),
      );
      await expect.poll(async () => (await memory.get()).version, { timeout: 5000, interval: 20 }).toBe(1);
      expect(await memory.get()).toEqual({
        version: 1,
        allowed_models: [{ role: 'child', models: ['llama3.2'] }],
        quotas: [{ member_id: 'ann', tokens_per_day: 0, requests_per_minute: 3 }],
      });
      expect(reads).toBe(1);
    } finally {
      await following.stop();
    }
  });
});
