// The stream follower on a nats-server of its own. After a restart it fails to open its
// consumer again (refused here, as a cluster electing a stream leader refuses it), and while it
// tries, the server restarts once more, with an empty store: it follows the new stream from
// its start, so nothing on it is missed, and nothing is seen twice (no replay of the new
// stream from its start later on).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNames } from '../../contracts/subjects.ts';
import { type PrivateNats, startPrivateNats } from '../../test/private-nats.ts';
import { uniquePrefix } from '../../test/services.ts';
import { connectNats } from '../../writers/log/connect.ts';
import { type Log, openLog } from '../../writers/log/open.ts';
import { followLog } from './follow.ts';

let nats: PrivateNats;
let log: Log;
const lines: string[] = [];
beforeAll(async () => {
  nats = await startPrivateNats();
  const nc = await connectNats({ servers: nats.url, name: 'follow-test' });
  log = await openLog({ nc, names: createNames(uniquePrefix()) });
}, 30_000);
afterAll(async () => {
  await log?.nc.close();
  await nats?.cleanup();
});

async function until(check: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a stream follower whose server comes back without its store', () => {
  it('follows the new stream from its start: nothing missed, nothing twice', async () => {
    const stream = log.names.stream('chat');
    const publish = (text: string) =>
      log.js.publish(log.names.chat.message('family', text), new TextEncoder().encode(text));
    const seen: string[] = [];
    let newStreams = 0;
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    // Opens refused while `refusing`: the follower's retries.
    let refusing = false;
    const get = log.js.consumers.get.bind(log.js.consumers);
    log.js.consumers.get = ((...args: Parameters<typeof get>) =>
      refusing ? Promise.reject(new Error('refused')) : get(...args)) as typeof get;
    const following = await followLog({
      log,
      stream,
      filter: log.names.domainFilter('chat'),
      logger,
      onMessage: async (m) => {
        seen.push(new TextDecoder().decode(m.data));
      },
      onNewStream: () => newStreams++,
    });
    try {
      for (const text of ['a1', 'a2', 'a3']) await publish(text);
      await until(() => seen.length === 3, 'the first three');
      refusing = true;
      await nats.kill();
      await nats.start();
      await until(() => lines.some((l) => l.includes('could not restart')), 'a refused open');
      await nats.kill();
      await nats.start({ fresh: true });
      await until(() => newStreams > 0, 'the new stream found');
      refusing = false;
      await publish('b1');
      await until(() => seen.length >= 4, 'the new stream followed');
      await publish('b2');
      await publish('b3');
      await until(() => seen.length >= 6, 'the rest of the new stream');
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
    } finally {
      await following.stop();
    }
  }, 60_000);
});
