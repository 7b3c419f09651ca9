// NATS_URL names a cluster's nodes as a comma-separated list: every one of them reaches the
// client, so a hub starts whichever of them is down, and fails over to the others.
import { describe, expect, it } from 'vitest';
import { freePort } from '../../edge/boot/infra.ts';
import { NATS_URL } from '../../test/services.ts';
import { connectNats } from './connect.ts';

describe('a comma-separated list of servers', () => {
  it('is tried address by address, wherever in it the one down is', async () => {
    const down = `nats://127.0.0.1:${await freePort()}`;
    for (const servers of [`${down},${NATS_URL}`, `${NATS_URL},${down}`]) {
      const nc = await connectNats({ servers, name: 'test-connect-list' });
      try {
        expect(nc.getServer()).toBe(new URL(NATS_URL).host);
      } finally {
        await nc.close();
      }
    }
  });
});
