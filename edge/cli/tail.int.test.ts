// `hearth tail` as an operator runs it: spawned, an event appended, its line read, Ctrl-C.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPosted } from '../../test/chat-events.ts';
import { NATS_URL, testNats } from '../../test/services.ts';
import { type Spawned, spawned } from '../../test/spawned.ts';
import { type Log, openLog } from '../../writers/log/open.ts';
import { tailTarget } from './tail.ts';

const bin = fileURLToPath(new URL('../../bin/hearth.mjs', import.meta.url));
let nats: Awaited<ReturnType<typeof testNats>>;
let log: Log;
const running: Spawned[] = [];

const hearthTail = (...args: string[]) => {
  const s = spawned(process.execPath, [bin, 'tail', ...args], {
    ...process.env,
    NATS_URL,
    HEARTH_NAMESPACE: nats.prefix,
    LOG_LEVEL: 'silent',
  });
  running.push(s);
  return s;
};

beforeAll(async () => {
  nats = await testNats();
  log = await openLog({ nc: nats.nc, names: nats.names });
});
afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  await nats.cleanup();
});

// Each case starts the CLI (tsx compiling it) in a process of its own: slow on a loaded machine.
describe('hearth tail', { timeout: 120_000 }, () => {
  it('prints each event appended from now, one decoded line, and stops on Ctrl-C', async () => {
    const before = await publishPosted(log, {
      channelId: 'family',
      messageId: 'm0',
      senderId: 'ann',
      content: 'old',
    });
    const tail = hearthTail('hearth.chat.>');
    await tail.waitFor(/following .* from now/, 'stderr');
    const seq = await publishPosted(log, {
      channelId: 'family',
      messageId: 'm1',
      senderId: 'ann',
      content: 'dinner at six',
    });
    const out = await tail.waitFor(/MessagePosted/);
    const [line = '', ...rest] = out.trim().split('\n');
    expect(rest).toEqual([]);
    expect(line.startsWith(`${seq} `)).toBe(true);
    expect(line).toContain(log.names.chat.message('family', 'm1'));
    expect(line).toContain('"messageId":"m1"');
    expect(line).toContain('by ann');
    // The text is sealed under Ann's key: the log's view, never the words.
    expect(line).toContain('sealed: content');
    expect(line).not.toContain('dinner at six');
    // Nothing from before it started.
    expect(before).toBeLessThan(seq);
    expect(out).not.toContain('message.m0');
    expect(await tail.stop('SIGINT')).toBe(0);
  });

  it('starts from a sequence, filtered to the subject given', async () => {
    const first = await publishPosted(log, {
      channelId: 'attic',
      messageId: 'a1',
      senderId: 'bo',
      content: 'x',
    });
    await publishPosted(log, { channelId: 'garden', messageId: 'g1', senderId: 'bo', content: 'y' });
    const tail = hearthTail('hearth.chat.channel.attic.>', '--from-seq', String(first));
    const out = await tail.waitFor(/attic\.message\.a1/);
    expect(out).not.toContain('garden');
    expect(await tail.stop('SIGINT')).toBe(0);
  });

  it('refuses what is not a subject of the catalogue, saying what is', async () => {
    const tail = hearthTail('chat.>');
    expect(await tail.stop('SIGCONT')).toBe(1);
    expect(tail.output().stderr).toMatch(/hearth tail: name a subject of the catalogue/);
  });
});

describe('the subject a tail follows', () => {
  it('is the catalogue’s subject within the namespace, on its domain’s stream', () => {
    expect(tailTarget('hearth.play.match.*', 'ns1')).toEqual({
      domain: 'play',
      stream: 'NS1_PLAY',
      filter: 'ns1.hearth.play.match.*',
    });
    expect(tailTarget('chat', '')).toEqual({ domain: 'chat', stream: 'CHAT', filter: 'hearth.chat.>' });
    for (const bad of [
      'hearth.>',
      'hearth.nope.>',
      'hearth.chat.>.x',
      'hearth.chat..x',
      'hearth.chat.a b',
      '',
    ])
      expect(tailTarget(bad, '')).toBeInstanceOf(Error);
  });
});
