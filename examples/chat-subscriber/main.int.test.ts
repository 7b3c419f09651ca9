// The example as an integrator runs it: against a hub's namespace on a development server,
// and as the integrator user of deploy/nats/nats.conf; a post appended, its line read.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPosted } from '../../test/chat-events.ts';
import { type PrivateNats, startPrivateNats } from '../../test/private-nats.ts';
import { NATS_URL, testNats } from '../../test/services.ts';
import { type Spawned, spawned } from '../../test/spawned.ts';
import { connectLog } from '../../writers/log/connect.ts';
import { type Log, openLog } from '../../writers/log/open.ts';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const running: Spawned[] = [];
const subscriber = (...args: string[]) => {
  const s = spawned(process.execPath, ['--import', 'tsx', main, ...args], process.env);
  running.push(s);
  return s;
};

afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
});

// Each case starts the example (tsx compiling it) in a process of its own: slow on a loaded machine.
describe('on a development server, in a hub’s namespace', { timeout: 120_000 }, () => {
  let nats: Awaited<ReturnType<typeof testNats>>;
  let log: Log;
  beforeAll(async () => {
    nats = await testNats();
    log = await openLog({ nc: nats.nc, names: nats.names });
  });
  afterAll(() => nats.cleanup());

  it('prints each chat post from where it is told to start, the text sealed unless Hearth wrote it', async () => {
    const first = await publishPosted(log, {
      channelId: 'family',
      messageId: 'm1',
      senderId: 'ann',
      content: 'hi',
    });
    const s = subscriber(
      '--server',
      NATS_URL,
      '--namespace',
      nats.prefix,
      '--api-prefix',
      '$JS.API',
      '--from-seq',
      String(first),
    );
    await s.waitFor(new RegExp(`^${first} #family ann: \\(text sealed: integrators hold no keys\\)$`, 'm'));
    const second = await publishPosted(log, {
      channelId: 'family',
      messageId: 'm2',
      senderId: '',
      content: 'Ann joined as child',
    });
    const out = await s.waitFor(new RegExp(`^${second} #family Hearth: Ann joined as child$`, 'm'));
    expect(out).not.toContain(': hi');
    expect(await s.stop('SIGINT')).toBe(0);
  });
});

describe('as the integrator of deploy/nats/nats.conf', { timeout: 120_000 }, () => {
  const HUB = { user: 'hub', pass: 'hub-example-test' };
  const INTEGRATOR = { user: 'integrator', pass: 'integrator-example-test' };
  let server: PrivateNats;
  let log: Log;
  beforeAll(async () => {
    server = await startPrivateNats({
      config: await readFile('deploy/nats/nats.conf', 'utf8'),
      env: { NATS_HUB_PASSWORD: HUB.pass, NATS_INTEGRATOR_PASSWORD: INTEGRATOR.pass },
    });
    log = await connectLog({ servers: server.url, namespace: '', name: 'hub', auth: HUB });
  });
  afterAll(async () => {
    await log?.nc.close();
    await server?.cleanup();
  });

  it('follows from now through the hub’s exports', async () => {
    await publishPosted(log, { channelId: 'attic', messageId: 'old', senderId: 'bo', content: 'before' });
    const s = subscriber('--server', server.url, '--user', INTEGRATOR.user, '--password', INTEGRATOR.pass);
    await s.waitFor(/following hearth\.chat\.> from \d+/, 'stderr');
    const seq = await publishPosted(log, {
      channelId: 'attic',
      messageId: 'new',
      senderId: 'bo',
      content: 'after',
    });
    const out = await s.waitFor(new RegExp(`^${seq} #attic bo: \\(text sealed`, 'm'));
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(await s.stop('SIGINT')).toBe(0);
  });
});
