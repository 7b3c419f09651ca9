import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testNats } from '../../test/services.ts';
import { type CommandMeta, createAppender } from '../log/append.ts';
import { type Log, openLog } from '../log/open.ts';
import { createChatWriter } from './commands.ts';
import { FAMILY_CHANNEL_ID } from './ids.ts';
import { createChatReader } from './load.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;
const meta = (): CommandMeta => ({
  commandId: randomUUID(),
  actorId: 'ann',
  correlationId: 'test',
  now: new Date(),
});

beforeAll(async () => {
  services = await testNats();
  log = await openLog({ nc: services.nc, names: services.names });
});
afterAll(() => services.cleanup());

describe('reading a channel', () => {
  it('shares a read already on its way, but not one older than a change made here', async () => {
    const reader = createChatReader({ log });
    const writer = createChatWriter({ appender: createAppender({ log }), reader });
    await writer.joinFamily('ann', meta());
    await reader.channel(FAMILY_CHANNEL_ID); // cached: from now on one read of the last sequence each
    const gets = vi.spyOn(log.jsm.direct, 'getMessage');
    try {
      const [a, b] = await Promise.all([
        reader.channel(FAMILY_CHANNEL_ID),
        reader.channel(FAMILY_CHANNEL_ID),
      ]);
      expect(gets).toHaveBeenCalledTimes(1);
      expect(b).toBe(a);

      const before = reader.channel(FAMILY_CHANNEL_ID);
      reader.changed(FAMILY_CHANNEL_ID);
      const after = reader.channel(FAMILY_CHANNEL_ID);
      await Promise.all([before, after]);
      expect(gets).toHaveBeenCalledTimes(3);

      await writer.joinFamily('bob', meta());
      const joined = await reader.channel(FAMILY_CHANNEL_ID);
      expect(joined.state.status !== 'none' && joined.state.members).toEqual(['ann', 'bob']);
    } finally {
      gets.mockRestore();
    }
  });
});
