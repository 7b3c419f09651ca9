// The read-through shares a read of one subject among the callers that ask while it is on its
// way. A read that fails must be nobody's answer afterwards: not when the connection drops
// under it, not when it times out, and not after the server comes back. On a server of this
// file's own, stopped, killed and started again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishIdentity, registered } from '../../test/events.ts';
import { eventually } from '../../test/hub.ts';
import { type PrivateNats, startPrivateNats } from '../../test/private-nats.ts';
import { uniquePrefix } from '../../test/services.ts';
import { accountAggregate } from '../identity/decide.ts';
import { connectLog } from './connect.ts';
import type { Log } from './open.ts';
import { createReadThrough } from './read-through.ts';

let nats: PrivateNats;
let log: Log;
let reader: ReturnType<typeof createReadThrough>;

beforeAll(async () => {
  nats = await startPrivateNats();
  log = await connectLog({ servers: nats.url, namespace: uniquePrefix(), name: 'read-through-test' });
  reader = createReadThrough({ log });
});
afterAll(async () => {
  await log?.nc.close();
  await nats?.cleanup();
});

const back = () => eventually(async () => (log.link.up() ? true : undefined), { timeoutMs: 20_000 });

describe('a read on its way when the connection drops', () => {
  it('answers everyone waiting on it as unavailable at once, and nobody after', async () => {
    const seq = await publishIdentity(log, registered('ann'));
    expect(await reader.load(accountAggregate, 'ann')).toMatchObject({ seq });

    nats.pause(); // the request goes out and nothing answers
    const first = reader.load(accountAggregate, 'ann');
    const joined = reader.load(accountAggregate, 'ann');
    expect(joined).toBe(first);
    await nats.kill();
    const dropped = await first.catch((err: unknown) => err);
    expect(dropped).toMatchObject({ code: 'unavailable', status: 503 });
    // Settled by the drop: a timeout would be its cause.
    expect((dropped as Error).cause).toBeUndefined();

    // While the server is away a read is refused, not sent to wait for the reconnect.
    const away = await reader.load(accountAggregate, 'ann').catch((err: unknown) => err);
    expect(away).toMatchObject({ code: 'unavailable' });
    expect((away as Error).cause).toBeUndefined();

    await nats.start();
    await back();
    expect(await reader.load(accountAggregate, 'ann')).toMatchObject({ seq });
  });
});

describe('a read that timed out', () => {
  it('is not the answer of a caller after it', async () => {
    const seq = await publishIdentity(log, registered('bob'));
    nats.pause();
    const first = reader.load(accountAggregate, 'bob');
    const failed = await first.catch((err: unknown) => err);
    expect(failed).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ name: 'TimeoutError' }),
    });
    nats.resume();
    const next = reader.load(accountAggregate, 'bob');
    expect(next).not.toBe(first);
    expect(await next).toMatchObject({ seq });
  }, 20_000);
});
